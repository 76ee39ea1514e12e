"""Staff pages: users, roles, suspension, the verification queue, the audit log."""


def init_app(app):
    from webapp.admin import api, views  # noqa: F401  (api registers its routes)

    app.register_blueprint(views.bp)
