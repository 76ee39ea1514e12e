"""Online paper and project review (论文网上评审 · 课题网上申报与评审): calls, blind review,
conflicts of interest, optimal assignment, calibrated ranking, decisions."""


def init_app(app):
    from webapp.core import audit, demo, nav, uploads
    from webapp.review import api, cli, services, views  # noqa: F401  (api registers its routes)
    from webapp.review import demo as review_demo
    from webapp.review.models import ReviewAction

    app.config.setdefault("REVIEW_REMIND_DAYS", 3)
    app.config.setdefault("REVIEW_CALIBRATION_LAMBDA", 1.0)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.review_cli)
    audit.register_actions(ReviewAction)
    nav.register_section(app, "review", "review.index", ("review",))
    demo.register_seeder(app, "review", review_demo.seed_demo)
    uploads.register_store(app, services.PDF_KIND, services.referenced_files)
