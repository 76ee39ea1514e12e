"""Academic salons (学术沙龙): propose, file (报备), register, meet."""


def init_app(app):
    from webapp.core import audit, demo, nav, uploads
    from webapp.salons import api, cli, manage, services, views  # noqa: F401  (api registers its routes)
    from webapp.salons import demo as salons_demo
    from webapp.salons.models import SalonAction

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    app.cli.add_command(cli.salons_cli)
    audit.register_actions(SalonAction)
    nav.register_section(app, "salons", "salons.index", ("salons", "salons_manage"))
    demo.register_seeder(app, "salons", salons_demo.seed_demo)
    uploads.register_store(app, services.SLIDES_KIND, services.referenced_slides)
