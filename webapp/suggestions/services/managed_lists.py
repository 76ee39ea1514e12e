"""The lists staff manage: suggestion categories and standard reasons for not accepting."""
import re

from sqlalchemy import func

from webapp.core import audit
from webapp.core.db import get_by_id
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import require_staff
from webapp.extensions import db
from webapp.suggestions.models import ScreeningReason, Suggestion, SuggestionAction, SuggestionCategory

DEFAULT_CATEGORIES = ["科研政策", "人才评价", "学会治理", "科普工作", "创新创业", "其他"]
DEFAULT_REASONS = ["不属于受理范围", "重复提交", "含广告内容", "含辱骂或人身攻击内容", "涉及诉讼或司法程序中的事项"]


def ensure_defaults():
    """Create the default categories and screening reasons that are missing (idempotent)."""
    names = {c.name for c in SuggestionCategory.query.all()}
    for position, name in enumerate(DEFAULT_CATEGORIES):
        if name not in names:
            db.session.add(SuggestionCategory(name=name, position=position))
    titles = {r.title for r in ScreeningReason.query.all()}
    for position, title in enumerate(DEFAULT_REASONS):
        if title not in titles:
            db.session.add(ScreeningReason(title=title, position=position))
    db.session.flush()


def categories(include_inactive=False):
    q = SuggestionCategory.query
    if not include_inactive:
        q = q.filter(SuggestionCategory.active.is_(True))
    return q.order_by(SuggestionCategory.position, SuggestionCategory.id).all()


def screening_reasons(include_inactive=False):
    q = ScreeningReason.query
    if not include_inactive:
        q = q.filter(ScreeningReason.active.is_(True))
    return q.order_by(ScreeningReason.position, ScreeningReason.id).all()


def managed_item(model, item_id, what):
    """One category or screening reason by id (a 404 naming `what` otherwise)."""
    item = get_by_id(model, item_id)
    if item is None:
        raise NotFound(f"找不到该{what}")
    return item


def usage_counts(column):
    """{item id: suggestions using it} for Suggestion.category_id or .screening_reason_id."""
    rows = (db.session.query(column, func.count(Suggestion.id))
            .filter(column.isnot(None)).group_by(column))
    return dict(rows.all())


def _position(value):
    """A list position: an int, a string of at most 4 digits, or None/"" for "at the end"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return value, None
    if isinstance(value, str) and re.fullmatch(r"\d{1,4}", value.strip()):
        return int(value.strip()), None
    return None, "顺序应为 0–9999 的整数"


def _managed_item(model, label_attr, action, actor, item_id, label, active, position, what):
    require_staff(actor)
    label = (label or "").strip()
    column = getattr(model, label_attr)
    limit = column.type.length
    position, position_problem = _position(position)
    problems = {"position": position_problem} if position_problem else {}
    if not label:
        raise ValidationError(f"请填写{what}名称", fields={label_attr: "必填", **problems})
    if len(label) > limit:
        raise ValidationError(f"{what}名称不能超过 {limit} 个字",
                              fields={label_attr: f"不能超过 {limit} 个字", **problems})
    if problems:
        raise ValidationError(position_problem, fields=problems)
    if item_id is None:
        # Added to the session only once named: an unnamed row autoflushed by the
        # queries below would violate NOT NULL.
        item = model()
        if position is None:
            position = (db.session.query(func.max(model.position)).scalar() or 0) + 1
    else:
        item = db.session.get(model, item_id)
        if item is None:
            raise NotFound(f"找不到该{what}")
    clash = model.query.filter(func.lower(column) == label.lower(), model.id != (item.id or 0)).first()
    if clash is not None:
        raise ValidationError(f"已有同名{what}", fields={label_attr: "已存在"})
    old = getattr(item, label_attr)
    setattr(item, label_attr, label)
    if active is not None:
        item.active = bool(active)
    if position is not None:
        item.position = position
    db.session.add(item)
    db.session.flush()
    audit.record(actor, action, model.__tablename__, item.id,
                 summary=f"{what}：{old + ' → ' if old and old != label else ''}{label}"
                         f"{'' if item.active else '（停用）'}")
    return item


def save_category(actor, name, category_id=None, active=None, position=None):
    """Create or rename a category, or switch it on/off (staff). Inactive ones stay on old suggestions."""
    return _managed_item(SuggestionCategory, "name", SuggestionAction.save_category, actor, category_id, name,
                         active, position, "分类")


def save_screening_reason(actor, title, reason_id=None, active=None, position=None):
    return _managed_item(ScreeningReason, "title", SuggestionAction.save_reason, actor, reason_id, title,
                         active, position, "不予受理理由")
