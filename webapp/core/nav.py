"""The main navigation: each built capability registers its section in its `init_app`.

A section not registered yet shows the placeholder page of `webapp.main`.
"""
from flask import current_app


def register_section(app, key, endpoint, blueprints):
    """Section `key` opens at `endpoint`; pages of `blueprints` highlight its nav link."""
    app.extensions.setdefault("nav_sections", {})[key] = (endpoint, tuple(blueprints))


def built_section(key):
    """(front page endpoint, blueprints) of a built section, or None."""
    return current_app.extensions.get("nav_sections", {}).get(key)
