"""`flask search …`: rebuild, check, worker, drain, status."""
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.search import indexer
from webapp.search.registry import sources

search_cli = AppGroup("search", help="The site search index (全站搜索).")


@search_cli.command("rebuild")
def rebuild():
    """Rebuild the index from the database (with a progress bar)."""
    from sqlalchemy import func, select

    from webapp.extensions import db

    total = 0
    for source in sources().values():
        model = source["model"]
        total += db.session.execute(select(func.count()).select_from(model)).scalar()
    with click.progressbar(length=total, label="索引重建", show_pos=True) as bar:
        count = indexer.rebuild(progress=bar.update)
    click.echo(f"indexed {count} public documents of {len(sources())} types")


@search_cli.command("check")
def check():
    """Compare the index with the database and report drift (exit status 1 if any)."""
    report = indexer.check()
    click.echo(f"expected {report['expected']}, indexed {report['indexed']}, "
               f"pending jobs {indexer.pending()}")
    drift = False
    for name, label in (("missing", "missing from the index"), ("extra", "indexed but not public"),
                        ("stale", "indexed with an old title")):
        if report[name]:
            drift = True
            shown = ", ".join(f"{t}:{i}" for t, i in report[name][:20])
            more = f" (+{len(report[name]) - 20} more)" if len(report[name]) > 20 else ""
            click.echo(f"{len(report[name])} {label}: {shown}{more}")
    if drift:
        click.echo("drift found: run `flask search rebuild` (or let the worker drain pending jobs)")
        raise SystemExit(1)
    click.echo("index and database agree")


@search_cli.command("drain")
def drain():
    """Index the pending jobs once and exit."""
    click.echo(f"{indexer.drain()} jobs done")


@search_cli.command("worker")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between looks at the outbox.")
def worker(poll):
    """Be the one index writer: drain the outbox until stopped (SIGTERM / Ctrl-C)."""
    app = current_app._get_current_object()
    stop = threading.Event()

    def _stop(*_args):
        stop.set()
        indexer.wake()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"search worker: {app.config.get('SEARCH_BACKEND')} backend, polling every {poll} s")
    indexer.run_worker(app, stop=stop, poll=poll)


@search_cli.command("status")
def status():
    """Backend, indexed documents, pending jobs, index size."""
    from webapp.search.services import index_status

    for key, value in index_status().items():
        click.echo(f"{key}: {value}")
