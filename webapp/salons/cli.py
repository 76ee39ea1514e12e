"""`flask salons …`: reminders for cron."""
import click

from webapp.core.uow import transactional


@click.group("salons")
def salons_cli():
    """Academic salons (学术沙龙)."""


@salons_cli.command("remind")
@transactional
def remind():
    """Notify registrants 24 hours before a salon, and hosts whose minutes and attendance are due.

    Idempotent: each reminder is sent once (run it every few minutes from cron)."""
    from webapp.salons import services

    registrants, hosts = services.send_reminders()
    click.echo(f"已提醒报名者 {registrants} 人，提醒主持人报备纪要 {hosts} 人。")
