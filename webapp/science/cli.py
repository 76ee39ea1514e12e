"""`flask content import DIR` (articles, bases, videos) and `flask science publish-due`."""
from pathlib import Path

import click

from webapp.core.uow import transactional


@click.group("content", help="Import content files (Markdown articles, GeoJSON bases, videos).")
def content_cli():
    pass


@content_cli.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@transactional
def import_command(folder):
    """Import DIR/articles/*.md, DIR/bases.geojson and DIR/videos.yaml; report each bad file."""
    from webapp.science import importer

    report = importer.Report()
    items = importer.work_items(folder)
    with click.progressbar(items, label="Importing", item_show_func=lambda i: i[1].name if i else "") as bar:
        for kind, path in bar:
            importer.import_item(kind, path, report)
    for path, line, reason in report.errors:
        click.echo(f"ERROR {path}{f':{line}' if line else ''}: {reason}", err=True)
    click.echo(report.summary())


@click.group("science", help="The popular-science hub.")
def science_cli():
    pass


@science_cli.command("publish-due")
@transactional
def publish_due_command():
    """Mark approved articles and videos whose publication time has come as published (cron)."""
    from webapp.science.services import publish_due

    click.echo(f"Published {publish_due()} item(s).")
