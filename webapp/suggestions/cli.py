"""`flask suggestions …` commands: deadline reminders for cron, default lists.
(The demo suggestions of `flask seed-demo` are in demo.py.)"""
import click

from webapp.core.uow import transactional
from webapp.suggestions import services


@click.group("suggestions", help="Suggestions to leaders (建言献策): reminders and managed lists.")
def suggestions_cli():
    pass


@suggestions_cli.command("remind")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD, Asia/Shanghai). Default: today.")
@transactional
def remind(on):
    """Remind leaders of answers due soon (idempotent, for cron).

    Sends each assigned leader one notification when an answer is due within
    SUGGESTION_REMIND_DAYS working days (or overdue). Idempotent, meant for cron (e.g. daily at 08:00): each assigned leader is reminded once
    per suggestion; a reminded suggestion is skipped until it is reassigned, so running the
    command twice sends nothing the second time.
    """
    sent = services.send_reminders(on=on.date() if on else None)
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")


@suggestions_cli.command("defaults")
@transactional
def defaults():
    """Create the default categories and screening reasons that are missing (idempotent)."""
    services.ensure_defaults()
    click.echo(f"{len(services.categories(include_inactive=True))} categories, "
               f"{len(services.screening_reasons(include_inactive=True))} screening reasons.")
