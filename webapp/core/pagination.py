"""Pagination shared by pages and the API (`?page=&per_page=`, capped)."""
from dataclasses import dataclass
from math import ceil

from webapp.core.db import MAX_ID


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def past_end(self):
        """A page number beyond the last page of a list that has items (say so, not "empty")."""
        return self.total > 0 and self.page > self.pages


def parse_page_args(args, default_per_page=20, max_per_page=100):
    def _int(name, default):
        try:
            return int(args.get(name, default))
        except (TypeError, ValueError):
            return default

    # Bounded: a page number no offset can reach is just past the end (unbounded, SQLite
    # raised OverflowError on ?page=99999999999999999999).
    page = min(max(1, _int("page", 1)), MAX_ID)
    per_page = min(max(1, _int("per_page", default_per_page)), max_per_page)
    return page, per_page


def paginate(query, page, per_page, total=None):
    """Paginate a SQLAlchemy query (legacy Query or select via db.session). `total`: the
    number of rows when the caller already counted them (one query fewer)."""
    if total is None:
        total = query.order_by(None).count()
    items = query.limit(per_page).offset((page - 1) * per_page).all()
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_by_key(query, key, page, per_page, total=None):
    """`paginate`, but deep pages as cheap as the first: the offset is walked on `key` alone
    (the primary key: an index-only scan of the list's index), then only the page's rows
    are read with their eager loads. Same items, in the same order, as `paginate`."""
    if total is None:
        total = query.order_by(None).count()
    keys = [k for (k,) in query.with_entities(key).limit(per_page).offset((page - 1) * per_page)]
    rows = {getattr(row, key.key): row for row in query.order_by(None).filter(key.in_(keys))} if keys else {}
    return Page(items=[rows[k] for k in keys if k in rows], page=page, per_page=per_page, total=total)


def page_url(endpoint, page):
    """The current page's URL with another page number: its path values and query arguments,
    but none that `url_for` would take as its own (`endpoint`, `_external`, `_method`, …)."""
    from flask import request, url_for

    args = {key: value for key, value in request.args.items() if key != "endpoint" and not key.startswith("_")}
    return url_for(endpoint, **{**args, **(request.view_args or {}), "page": page})
