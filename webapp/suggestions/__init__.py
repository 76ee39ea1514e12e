"""Suggestions to leaders (建言献策 · 领导信箱)."""


def init_app(app):
    from webapp.core import audit, demo, nav, uploads
    from webapp.suggestions import api, cli, leaders, manage, services, views  # noqa: F401  (api registers its routes)
    from webapp.suggestions import demo as suggestions_demo
    from webapp.suggestions.models import SuggestionAction

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(leaders.bp)
    app.cli.add_command(cli.suggestions_cli)
    audit.register_actions(SuggestionAction)
    nav.register_section(app, "suggestions", "suggestions.index", ("suggestions", "leaders"))
    demo.register_seeder(app, "suggestions", suggestions_demo.seed_demo)
    uploads.register_store(app, services.ATTACHMENT_KIND, services.referenced_attachments)
