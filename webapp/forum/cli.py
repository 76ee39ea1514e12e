"""`flask forum …`: write counted views, re-render posts, load a content directory."""
import click
from sqlalchemy import select

from webapp.core.uow import transactional
from webapp.extensions import db


@click.group("forum", help="The forum (科技社区).")
def forum_cli():
    pass


@forum_cli.command("flush-views")
@transactional
def flush_views():
    """Add the views counted since the last flush to the threads (run from cron, e.g. every minute)."""
    from webapp.forum.services import counters

    click.echo(f"Flushed {counters.flush_views()} views.")


@forum_cli.command("rerender")
@transactional
def rerender():
    """Render every post's Markdown again (after the sanitiser or the math rendering changed)."""
    from webapp.forum.models import Post
    from webapp.forum.services import render_body

    n = 0
    for post in db.session.scalars(select(Post).execution_options(yield_per=500)):
        html = render_body(post.body)
        if html != post.body_html:
            post.body_html = html
            n += 1
    click.echo(f"Re-rendered {n} posts.")


@forum_cli.command("load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@transactional
def load(directory):
    """Load boards, users and threads from DIRECTORY (the format of content/forum/; idempotent)."""
    from webapp.forum.demo import load_directory

    click.echo(load_directory(directory))
