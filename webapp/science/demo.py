"""The demo science content of `flask seed-demo`: content/science/ imported through the
importer (idempotent: slugs and base names already present are skipped)."""
from webapp.core.content import CONTENT_DIR


def seed_demo():
    from webapp.science import importer, services

    services.categories()
    folder = CONTENT_DIR / "science"
    if not folder.is_dir():
        return "science: no content/science/ folder, nothing imported"
    report = importer.import_dir(folder)
    problems = "".join(f"\n  {path}:{line or ''} {reason}" for path, line, reason in report.errors)
    return f"science: {report.summary()}{problems}"
