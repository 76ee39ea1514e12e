"""Base schemas of the API: requests (a body or query parameters), responses, the list
envelope and the error envelope.

A response is dumped inside a `Context` holding the viewer (`viewer()`), so a schema
method can ask the services what that user may see or do. Response schemas are
instantiated once and shared: what one dump works out belongs in `dump_context()`, never
on the schema.
"""
from functools import cache

from marshmallow import EXCLUDE, Schema, fields
from marshmallow.experimental.context import Context

from webapp.api.fields import PageParam
from webapp.core.db import MAX_ID
from webapp.core.pagination import Page


class RequestSchema(Schema):
    """A JSON body (or a multipart form). Unknown fields are ignored, as they always were."""

    error_message = "请修改标出的内容"

    class Meta:
        unknown = EXCLUDE

    def service_problems(self, valid):
        """{field: message} the service finds in the fields that did parse (`valid`), so one
        422 names every bad field when some did not. Called only then; {} by default."""
        return {}


class QuerySchema(RequestSchema):
    error_message = "筛选条件有误"


class PageArgs(QuerySchema):
    """`?page=&per_page=` of every list: whole numbers from 1 (422 otherwise); `page` up to
    the largest id, `per_page` capped at API_MAX_PER_PAGE."""

    page = PageParam(load_default=1, metadata={"minimum": 1, "maximum": MAX_ID, "default": 1})
    per_page = PageParam(capped=True, load_default=20, metadata={"minimum": 1, "default": 20})


class ResponseSchema(Schema):
    """A response body. It always carries every declared field (null when there is no
    value), so the document marks them all required, unless `Meta.required` promises fewer."""


def dump_context():
    """The context of the response being dumped ({} outside one)."""
    return Context.get({})


def viewer():
    """The user the response is for (None outside a request)."""
    return dump_context().get("viewer")


@cache
def response_schema(schema):
    """The one instance of a response schema class."""
    return schema()


@cache
def page_of(item_schema):
    """The list envelope {"items", "page", "per_page", "total"} of `item_schema`; dumps a `Page`."""
    return type(f"{item_schema.__name__.removesuffix('Schema')}PageSchema", (ResponseSchema,), {
        # many=True: the item schema dumps the page at once (one look-up per page, not per item).
        "items": fields.Nested(item_schema, many=True),
        "page": fields.Integer(),
        "per_page": fields.Integer(),
        "total": fields.Integer(),
        "is_page": True,
    })


def page_from_list(items, page, per_page):
    """One page of an already-built Python list."""
    start = (page - 1) * per_page
    return Page(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items))


class ErrorDetailSchema(ResponseSchema):
    code = fields.String()
    message = fields.String()
    # Named apart: `fields` is taken on a marshmallow schema.
    field_messages = fields.Dict(keys=fields.String(), values=fields.String(), attribute="fields", data_key="fields",
                                 metadata={"description": "Field name → one message, for each bad field"})


class ErrorSchema(ResponseSchema):
    """The error envelope of every 4xx and 5xx."""

    error = fields.Nested(ErrorDetailSchema)
