"""`flask seed-demo`: each capability registers the function that loads its demo content.

Seeders run in registration order (the order of `create_app`'s capability list), all in
one transaction: the demo loads whole or not at all.
"""
import click
from flask import current_app

from webapp.core.uow import transactional


def register_seeder(app, name, seed):
    """`seed()` loads the capability's demo content and returns a line saying what it created."""
    app.extensions.setdefault("demo_seeders", []).append((name, seed))


@click.command("seed-demo")
@transactional
def seed_demo():
    """Load the demo content from content/ (idempotent; development only)."""
    if current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("seed-demo refuses to run in production mode (APP_ENV=production).")
    for _name, seed in current_app.extensions.get("demo_seeders", []):
        click.echo(seed())


def init_app(app):
    app.cli.add_command(seed_demo)
