"""The forum for scientists by discipline (科技社区)."""


def init_app(app):
    from webapp.core import audit, demo, nav, uploads
    from webapp.forum import api, cli, services, views  # noqa: F401  (api registers its routes)
    from webapp.forum import demo as forum_demo
    from webapp.forum.models import ForumAction

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.forum_cli)
    audit.register_actions(ForumAction)
    nav.register_section(app, "forum", "forum.index", ("forum",))
    demo.register_seeder(app, "forum", forum_demo.seed_demo)
    uploads.register_store(app, services.IMAGE_KIND, services.referenced_images)
