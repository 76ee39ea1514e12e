"""Chinese full-text search across the site (全站搜索): Whoosh + jieba, or PostgreSQL.

analyzer.py   normalisation, jieba words (positions by word), character bigrams
registry.py   the sources (each capability's search.py) and change capture into the outbox
indexer.py    the one writer: drain the outbox, rebuild, check, the writer thread
backends/     the Whoosh (default) and PostgreSQL backends behind one interface
services.py   query parsing, filters, permission re-check, highlighting, suggestions
"""
import os

SETTINGS = {
    # whoosh (files under INDEX_DIR) or postgresql (the app's PostgreSQL database)
    "SEARCH_BACKEND": ("SEARCH_BACKEND", "whoosh", str),
    # thread: each web process drains the outbox in a background thread; off: run `flask search worker`
    "SEARCH_WORKER": ("SEARCH_WORKER", "thread", str),
    "SEARCH_POLL_SECONDS": ("SEARCH_POLL_SECONDS", 5, float),
    "SEARCH_WRITER_TIMEOUT": ("SEARCH_WRITER_TIMEOUT", 30, float),
}


def _settings(app):
    from webapp.config import ConfigError

    for key, (env, default, kind) in SETTINGS.items():
        if key in app.config:
            continue
        raw = os.environ.get(env)
        try:
            app.config[key] = kind(raw) if raw not in (None, "") else default
        except ValueError:
            raise ConfigError(f"{env} must be a number, not {raw!r}") from None
    if app.config["SEARCH_BACKEND"] not in ("whoosh", "postgresql"):
        raise ConfigError(f"SEARCH_BACKEND must be whoosh or postgresql, not {app.config['SEARCH_BACKEND']!r}")
    if app.config["SEARCH_WORKER"] not in ("thread", "off"):
        raise ConfigError(f"SEARCH_WORKER must be thread or off, not {app.config['SEARCH_WORKER']!r}")


def init_app(app):
    from webapp.core import demo, nav
    from webapp.search import api, cli, indexer, models, views  # noqa: F401  (api registers its routes)
    from webapp.search import demo as search_demo

    _settings(app)
    app.extensions.setdefault("search", {})["enabled"] = True
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.search_cli)
    nav.register_section(app, "search", "search.index", ("search",))
    demo.register_seeder(app, "search", search_demo.seed_demo)

    if app.config["SEARCH_WORKER"] == "thread" and not app.testing:
        # Started by the first request, not at import: CLI commands (migrations) need no writer.
        @app.before_request
        def _start_search_writer():
            indexer.start_thread(app)
