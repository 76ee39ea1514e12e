"""The search API's query and response schemas."""
from marshmallow import fields

from webapp.api.fields import Choice, Text, TextLength, UtcDateTime
from webapp.api.schemas import PageArgs, QuerySchema, ResponseSchema
from webapp.search import services

DATE_ERRORS = {"invalid": "不是有效的日期（年-月-日，如 2026-05-01）", "null": "不是有效的日期（年-月-日，如 2026-05-01）"}


class SearchArgs(PageArgs):
    q = Text(required=True, validate=TextLength(min=1, max=services.Q_MAX),
             metadata={"description": "Words (cut with jieba) all of which a hit contains; \"quoted\" phrases "
                                      "in that order"})
    type = Text(metadata={"description": "Only these types, comma-separated (suggestion, thread, article, …)"})
    discipline = Text(validate=TextLength(max=64), metadata={"description": "Only this discipline"})
    category = Text(validate=TextLength(max=64), metadata={"description": "Only this category"})
    date_from = fields.Date(allow_none=True, error_messages=DATE_ERRORS, metadata={"description": "Created on or after this day (Asia/Shanghai)"})
    date_to = fields.Date(allow_none=True, error_messages=DATE_ERRORS, metadata={"description": "Created on or before this day (Asia/Shanghai)"})
    sort = Choice(list(services.SORTS), load_default="relevance",
                  metadata={"description": "relevance (default) or date (newest first)"})


class SuggestArgs(QuerySchema):
    q = Text(required=True, validate=TextLength(min=1, max=services.Q_MAX),
             metadata={"description": "What has been typed so far"})


class SearchHitSchema(ResponseSchema):
    type = fields.String(metadata={"description": "The source type: suggestion, thread, post, article, …"})
    type_label = fields.String(metadata={"description": "The type's Chinese name"})
    id = fields.Integer()
    title = fields.String()
    title_html = fields.String(metadata={"description": "The title, escaped, matched words in <mark>"})
    url = fields.String()
    snippet_html = fields.String(metadata={"description": "About 120 characters around the first match, "
                                                          "escaped, matched words in <mark>"})
    created_at = UtcDateTime()
    discipline = fields.String(allow_none=True)
    category = fields.String(allow_none=True)


class SearchPageSchema(ResponseSchema):
    """The list envelope of hits, plus `suggestions` (did you mean)."""

    is_page = True
    items = fields.Nested(SearchHitSchema, many=True)
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    suggestions = fields.List(fields.String(), metadata={
        "description": "Corrected queries (did you mean), when nothing was found and the index could correct it"})


class SearchSuggestionSchema(ResponseSchema):
    type = fields.String()
    type_label = fields.String()
    id = fields.Integer()
    title = fields.String()
    url = fields.String()
