"""The API's field types: how a value is read from a request and written to a response,
with the Chinese messages a 422 names and what the OpenAPI document says of it.

Request fields: `Text`, `Id`, `Bool`, `Flag` (query true/false), `Choice`, `Upload`,
`PageParam`; an optional one accepts null as "not given". Limits come from the
services' constants through `TextLength` and `Choice`, never retyped.
Response fields: `UtcDateTime` (ISO 8601 ending in "Z"), `Markdown`/`PlainHtml`/
`EscapedHtml` (the `*_html` next to raw text) and `Computed` (a schema method's value,
e.g. one that asks a service about the viewer).
"""
from typing import ClassVar

from flask import current_app
from markupsafe import escape
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from webapp.core.db import MAX_ID
from webapp.core.text import plain_text, render_markdown

REQUIRED = "必填"


def choices_text(values):
    return "可选 " + "、".join(str(v) for v in values)


class _RequestField:
    """A request field: absent or null when optional (the view's default applies)."""

    default_error_messages: ClassVar[dict] = {"required": REQUIRED, "null": REQUIRED}

    def __init__(self, *args, **kwargs):
        if not kwargs.get("required"):
            kwargs.setdefault("allow_none", True)
        super().__init__(*args, **kwargs)


class Text(_RequestField, fields.String):
    """A string a database column can hold."""

    default_error_messages: ClassVar[dict] = {"invalid": "必须是字符串", "unstorable": "含有无法保存的字符"}

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not storable(value):
            raise self.make_error("unstorable")
        return value


def storable(text):
    """False for NUL and lone surrogates: valid in JSON, but no database column takes them."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class TextLength(validate.Length):
    """Length of the text the services keep (stripped), with their messages."""

    def __call__(self, value):
        length = len(value.strip())
        if self.min and not length:
            raise validate.ValidationError(REQUIRED)
        if self.min is not None and length < self.min:
            raise validate.ValidationError(f"至少 {self.min} 个字")
        if self.max is not None and length > self.max:
            raise validate.ValidationError(f"不能超过 {self.max} 个字")
        return value


class Choice(_RequestField, fields.String):
    """One of `values`; anything else, or nothing when required, is `message` ("可选 a、b")."""

    def __init__(self, values, message=None, **kwargs):
        self.values = [str(v) for v in values]
        message = message or choices_text(self.values)
        kwargs["error_messages"] = {"required": message, "null": message, "invalid": message}
        kwargs["validate"] = validate.OneOf(self.values, error=message)
        super().__init__(**kwargs)


class Id(_RequestField, fields.Integer):
    """A row id: a JSON integer or a string of digits (forms, query strings).

    `zero_is_none`: 0 also means "none" (e.g. no addressee: the association).
    """

    default_error_messages: ClassVar[dict] = {"invalid": "必须是整数"}

    def __init__(self, zero_is_none=False, **kwargs):
        self.zero_is_none = zero_is_none
        kwargs["validate"] = [validate.Range(min=0 if zero_is_none else 1, max=MAX_ID, error="不是有效的编号"),
                              *_as_list(kwargs.get("validate"))]
        super().__init__(**kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        # An empty form field is no id; so is 0 where it stands for "none".
        empty = isinstance(value, str) and not value.strip()
        if empty or self.zero_is_none and not isinstance(value, bool) and value in (0, "0"):
            value = None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip().isdecimal():
            digits = value.strip()
            if len(digits) > len(str(MAX_ID)):  # out of range, and int() refuses thousands of digits
                raise validate.ValidationError("不是有效的编号")
            value = int(digits)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


def _as_list(validators):
    if validators is None:
        return []
    return list(validators) if isinstance(validators, (list, tuple)) else [validators]


class Bool(_RequestField, fields.Boolean):
    """A JSON true or false; "yes", 1 and "true" are not booleans."""

    default_error_messages: ClassVar[dict] = {"invalid": "必须是 true 或 false"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Flag(_RequestField, fields.Boolean):
    """A query parameter: true/1 or false/0."""

    default_error_messages: ClassVar[dict] = {"invalid": choices_text(["true", "false"])}
    truthy: ClassVar[set] = {"true", "1"}
    falsy: ClassVar[set] = {"false", "0"}

    def _deserialize(self, value, attr, data, **kwargs):
        value = str(value).strip().lower()
        if value in self.truthy:
            return True
        if value in self.falsy:
            return False
        raise self.make_error("invalid")


class Upload(_RequestField, fields.Field):
    """A file of a multipart body; the view gets (stream, filename)."""

    default_error_messages: ClassVar[dict] = {"invalid": "必须是文件", "unstorable": "文件名含有无法保存的字符"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        if not storable(value.filename):
            raise self.make_error("unstorable")
        return value.stream, value.filename

    def openapi_properties(self):
        return {"type": "string", "format": "binary"}


class PageParam(fields.Integer):
    """`?page=` / `?per_page=`: a whole number from 1, as the document says (null, "x", 0 or
    -1 are a 422 naming the parameter); `page` at most `MAX_ID` (a page no offset can reach
    is no page of ours), `per_page` capped at API_MAX_PER_PAGE. The pages stay lenient
    (core.pagination.parse_page_args); the API refuses what its document refuses."""

    default_error_messages: ClassVar[dict] = {"invalid": "必须是正整数", "too_large": "页码超出范围"}

    def __init__(self, capped=False, **kwargs):
        super().__init__(**kwargs)
        self.capped = capped

    def _deserialize(self, value, attr, data, **kwargs):
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, bool) or not (isinstance(text, int) or isinstance(text, str) and text.isascii()
                                          and text.isdigit()):
            raise self.make_error("invalid")
        # Past 10 digits it is past MAX_ID (and int() refuses thousands of digits).
        number = MAX_ID + 1 if isinstance(text, str) and len(text) > len(str(MAX_ID)) else int(text)
        if number < 1:
            raise self.make_error("invalid")
        if self.capped:
            return min(number, current_app.config["API_MAX_PER_PAGE"])
        if number > MAX_ID:
            raise self.make_error("too_large")
        return number

    def openapi_properties(self):
        if not self.capped:
            return {}
        limit = current_app.config["API_MAX_PER_PAGE"]
        return {"description": f"At most {limit}: a larger value is capped (the response says which was used)"}


# ---------------------------------------------------------------- response fields

class UtcDateTime(fields.DateTime):
    """A naive UTC datetime as ISO 8601 with "Z"."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() + "Z" if value else None


class _Rendered(fields.String):
    render = staticmethod(str)

    def __init__(self, **kwargs):
        super().__init__(dump_only=True, **kwargs)  # it reads the raw field's attribute

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:  # no text: null where the document says so, else empty
            return None if self.allow_none else ""
        return str(self.render(value))


class Markdown(_Rendered):
    """User Markdown rendered and sanitised (core.text)."""

    render = staticmethod(render_markdown)


class PlainHtml(_Rendered):
    """User plain text as HTML paragraphs, escaped (core.text)."""

    render = staticmethod(plain_text)


class EscapedHtml(_Rendered):
    render = staticmethod(escape)


class Computed(fields.Method):
    """The value of a schema method, written and documented as the field `returns`.

    `Computed("answer_for_viewer", fields.Nested(AnswerSchema, allow_none=True))`
    """

    def __init__(self, method, returns, **kwargs):
        super().__init__(serialize=method, **kwargs)
        self.returns = returns

    def _bind_to_schema(self, field_name, parent):
        super()._bind_to_schema(field_name, parent)
        self.returns._bind_to_schema(field_name, parent)

    def _serialize(self, value, attr, obj, **kwargs):
        return self.returns._serialize(super()._serialize(value, attr, obj, **kwargs), attr, obj, **kwargs)
