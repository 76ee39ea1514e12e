"""Demo content of the search: nothing of its own. The other seeders' changes wrote their
index jobs already; a job for every public document is added too, so the index is whole
once the writer (the web process's thread, or `flask search worker`) has drained the
outbox — even for demo data loaded before the search existed. Nothing is written to the
index inside the seed transaction."""
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.search.models import SearchJob
from webapp.search.registry import sources


def seed_demo():
    # Ids only: the writer reads each document (and leaves out what is not public).
    now = utcnow()
    jobs = [{"doc_type": t, "doc_id": obj.id, "created_at": now} for t, source in sources().items()
            for obj in source["all"]()]
    if jobs:
        db.session.execute(SearchJob.__table__.insert(), jobs)
    return f"search: {len(jobs)} public documents queued for the index (the writer indexes them)"
