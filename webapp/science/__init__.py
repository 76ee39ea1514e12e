"""The popular-science hub (互联网+科普): articles and videos under an editorial workflow,
the map of science-education bases, discovery, feeds and the sitemap."""
import os


def _setting(app, name, default, convert=str):
    value = os.environ.get(name)
    app.config.setdefault(name, convert(value) if value not in (None, "") else default)


def init_app(app):
    from webapp.core import audit, demo, nav, uploads
    from webapp.core.db import utcnow
    from webapp.science import api, cli, feeds, views, views_media  # noqa: F401  (api and views_media register routes)
    from webapp.science import demo as science_demo
    from webapp.science.models import ScienceAction
    from webapp.science.services import media

    _setting(app, "SCIENCE_VIDEO_MAX_BYTES", 200 * 1024 * 1024, int)
    _setting(app, "SCIENCE_IMAGE_MAX_BYTES", 8 * 1024 * 1024, int)
    # Empty: no tile server, the map shows the bundled outline of China's provinces only.
    _setting(app, "SCIENCE_TILE_URL", "")
    _setting(app, "SCIENCE_TILE_ATTRIBUTION", "")
    # Per-process caches of the tag cloud, related articles, the map's GeoJSON and rendered
    # bodies (services/cache.py); off in tests, where each test starts from empty tables.
    _setting(app, "SCIENCE_CACHE_SECONDS", 0 if app.testing else 60, int)

    app.register_blueprint(views.bp)
    app.register_blueprint(feeds.sitemap_bp)
    app.cli.add_command(cli.content_cli)
    app.cli.add_command(cli.science_cli)
    audit.register_actions(ScienceAction)
    nav.register_section(app, "science", "science.index", ("science",))
    demo.register_seeder(app, "science", science_demo.seed_demo)
    uploads.register_store(app, media.IMAGE_KIND, media.referenced_images)
    uploads.register_store(app, media.VIDEO_KIND, media.referenced_videos)
    feeds.register_sitemap(app, feeds.site_pages)
    feeds.register_sitemap(app, feeds.science_pages)
    app.jinja_env.globals["science_now"] = utcnow
