"""Seed and demo content shipped in content/ (JSON files written for this project)."""
import json

from webapp.config import BASE_DIR

CONTENT_DIR = BASE_DIR / "content"


def load_content(name):
    with open(CONTENT_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)
