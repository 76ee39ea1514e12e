"""Notifications: the per-user notification centre and the `notify()` service."""


def init_app(app):
    from webapp.notifications import api, views  # noqa: F401  (api registers its routes)

    app.register_blueprint(views.bp)
