"""Demo content of the search: nothing of its own; the index is rebuilt from what the
other capabilities' seeders loaded (they run first)."""
from webapp.search import indexer


def seed_demo():
    indexer.drain()  # the jobs the other seeders' changes wrote (their transaction is ours)
    count = indexer.rebuild()
    return f"search: indexed {count} public documents"
