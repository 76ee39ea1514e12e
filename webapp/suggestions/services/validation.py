"""Checks of what a person typed, every problem at once, with the limits of models.py."""
from webapp.core.db import get_by_id
from webapp.core.errors import NotFound, ValidationError
from webapp.suggestions.models import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN, SuggestionCategory, Visibility
from webapp.suggestions.services.people import get_leader


def clean_text(value, field, label, minimum, maximum, required=True):
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(f"请填写{label}", fields={field: "必填"})
        return ""
    if len(value) < minimum:
        raise ValidationError(f"{label}至少 {minimum} 个字", fields={field: f"至少 {minimum} 个字"})
    if len(value) > maximum:
        raise ValidationError(f"{label}不能超过 {maximum} 个字", fields={field: f"不能超过 {maximum} 个字"})
    return value


def suggestion_problems(title, body, category_id, addressee_id, visibility):
    """Every problem with a suggestion's fields at once: {field: message}."""
    problems = {}
    for field, value, label, lo, hi in (("title", title, "标题", TITLE_MIN, TITLE_MAX),
                                        ("body", body, "正文", BODY_MIN, BODY_MAX)):
        try:
            clean_text(value, field, label, lo, hi)
        except ValidationError as exc:
            problems.update(exc.fields)
    category = get_by_id(SuggestionCategory, category_id)
    if category is None or not category.active:
        problems["category_id"] = "请选择分类"
    if addressee_id not in (None, "", 0, "0"):
        try:
            get_leader(addressee_id)
        except NotFound:
            problems["addressee_id"] = "请选择一位已实名认证的领导，或选择“科协”"
    if visibility not in (Visibility.public.value, Visibility.private.value):
        problems["visibility"] = "请选择公开或不公开"
    return problems
