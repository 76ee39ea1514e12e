"""Demo content of the search: nothing of its own. The other seeders' changes wrote their
index jobs already; a job for every public document is added too, so the index is whole
once the writer (the web process's thread, or `flask search worker`) has drained the
outbox — even for demo data loaded before the search existed. Nothing is written to the
index inside the seed transaction."""
from webapp.core.db import utcnow
from webapp.extensions import db
from webapp.search.indexer import all_documents
from webapp.search.models import SearchJob


def seed_demo():
    now = utcnow()
    jobs = [{"doc_type": t, "doc_id": i, "created_at": now} for t, i, _doc in all_documents()]
    if jobs:
        db.session.execute(SearchJob.__table__.insert(), jobs)
    return f"search: {len(jobs)} public documents queued for the index (the writer indexes them)"
