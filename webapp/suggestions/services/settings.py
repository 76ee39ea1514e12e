"""Settings of suggestions and the working-day calendar their deadlines are counted in."""
import os
from functools import lru_cache

from flask import current_app

from webapp.core.db import utcnow
from webapp.core.timeutil import local_zone
from webapp.core.workdays import WorkCalendar, local_date

SORTS = {"newest": "最新", "supported": "联名最多", "waiting": "等待最久"}
INBOX_TABS = {"pending": "待答复", "overdue": "已逾期", "answered": "已答复"}
STAFF_QUEUES = {"screening": "待受理", "unassigned": "待交办", "overdue": "已逾期", "threshold": "联名达标",
                "hidden": "已隐藏", "all": "全部"}
DEADLINE_TITLES = {"on_time": "按期", "due_soon": "即将到期", "overdue": "已逾期", "long_overdue": "严重逾期"}
ATTACHMENT_KIND = "suggestions"


@lru_cache(maxsize=8)
def _calendar_from(path, mtime):
    return WorkCalendar.from_file(path)


def calendar():
    """The working-day calendar of WORK_CALENDAR_FILE (re-read when the file changes)."""
    path = current_app.config.get("WORK_CALENDAR_FILE") or ""
    try:
        mtime = os.path.getmtime(path)
    except OSError:
        return WorkCalendar()
    return _calendar_from(path, mtime)


def today():
    return local_date(utcnow(), local_zone())


def setting(name):
    return current_app.config[name]


def support_threshold():
    return setting("SUGGESTION_SUPPORT_THRESHOLD")


def min_sample():
    return setting("SUGGESTION_STATS_MIN_SAMPLE")
