"""CLI commands: `flask seed-demo`, `flask create-admin USERNAME`."""
import click

def init_app(app):
    pass
