"""Seed and demo content shipped in content/ (JSON files written for this project)."""
import json

from webapp.config import BASE_DIR

CONTENT_DIR = BASE_DIR / "content"


def load_page(name):
    """The Markdown source of one of the site's own pages (content/pages/<name>.md)."""
    return (CONTENT_DIR / "pages" / f"{name}.md").read_text(encoding="utf-8")


def load_content(name):
    with open(CONTENT_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)
