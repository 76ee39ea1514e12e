"""`flask review …` commands."""
import click

from webapp.core.uow import transactional


@click.group("review", help="Online paper and project review.")
def review_cli():
    pass


@review_cli.command("remind")
@transactional
def remind_command():
    """Remind reviewers whose reviews are due soon or late (idempotent: once per assignment)."""
    from flask import current_app

    from webapp.review.services import remind

    with current_app.test_request_context("/"):
        sent = remind()
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
