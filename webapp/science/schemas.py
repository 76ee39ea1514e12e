"""The science API's request and response schemas: articles, categories, the review
decision, videos, the map's bases (GeoJSON) and recommendations."""
from flask import url_for
from marshmallow import fields, validate

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import Choice, Computed, Id, Markdown, Text, TextLength, UtcDateTime
from webapp.api.schemas import PageArgs, QuerySchema, RequestSchema, ResponseSchema
from webapp.science.models import (
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    SUMMARY_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    TITLE_MIN,
    BaseType,
    ContentState,
)
from webapp.science.services.sites import BBOX_MESSAGE, BBOX_PATTERN
from webapp.science.services.workflow import DECISIONS

STATES = [s.value for s in ContentState]


class ScienceCategorySchema(ResponseSchema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()


class ArticleSummarySchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("page", fields.String(metadata={"description": "Path of the article's page"}))
    title = fields.String()
    summary = fields.String()
    category = fields.Nested(ScienceCategorySchema)
    tags = Computed("tag_names", fields.List(fields.String()))
    author = fields.Nested(UserSchema)
    expert = fields.Boolean(metadata={"description": "Written by a verified expert (专家)"})
    cover = Computed("cover_url", fields.String(allow_none=True, metadata={"description": "JPEG, 1200 px wide"}))
    state = fields.String(metadata={"enum": STATES})
    published_at = UtcDateTime(allow_none=True)
    read_count = fields.Integer()

    def page(self, article):
        return url_for("science.article", article_id=article.id)

    def tag_names(self, item):
        return [t.name for t in item.tags]

    def cover_url(self, article):
        return url_for("science.image", key=article.cover_key, size="large", ext="jpg") if article.cover_key else None


class ArticleSchema(ArticleSummarySchema):
    body = fields.String(metadata={"description": "Markdown source"})
    body_html = Markdown(attribute="body")
    review_comment = Computed("comment_for_viewer", fields.String(allow_none=True, metadata={
        "description": "The editor's comment; only for the author and editors"}))
    created_at = UtcDateTime()
    updated_at = UtcDateTime()

    def comment_for_viewer(self, article):
        from webapp.api.schemas import viewer
        from webapp.science.services.rules import is_editor

        who = viewer()
        if who is not None and getattr(who, "is_authenticated", False) and (
                who.id == article.author_id or is_editor(who)):
            return article.review_comment
        return None


class ArticleListArgs(PageArgs):
    category = Text(validate=TextLength(max=40), metadata={"description": "A category slug (GET /articles/categories)"})
    tag = Text(validate=TextLength(max=TAG_MAX), metadata={"description": "Only articles with this tag"})


class ArticleCreateSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=TITLE_MIN, max=TITLE_MAX))
    summary = Text(validate=TextLength(max=SUMMARY_MAX), load_default="")
    body = Text(required=True, validate=TextLength(min=BODY_MIN, max=BODY_MAX),
                metadata={"description": "Markdown; math in $…$ and $$…$$"})
    category_id = Id(required=True, error_messages={"required": "请选择栏目", "null": "请选择栏目"},
                     metadata={"description": "From GET /api/v1/articles/categories"})
    tags = fields.List(Text(required=True, validate=TextLength(min=1, max=TAG_MAX)), load_default=list,
                       validate=validate.Length(max=TAGS_MAX, error=f"标签最多 {TAGS_MAX} 个"),
                       error_messages={"invalid": "标签应为字符串列表", "null": "标签应为字符串列表"})


class ReviewSchema(RequestSchema):
    decision = Choice(DECISIONS, required=True)
    comment = Text(validate=TextLength(max=COMMENT_MAX), load_default="",
                   metadata={"description": "Required for changes and reject; the author sees it"})
    publish_at = fields.DateTime(allow_none=True, load_default=None, metadata={
        "description": "Approve only: publish at this time (ISO 8601; naive means UTC) instead of now"})


class VideoSummarySchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("page", fields.String())
    title = fields.String()
    category = fields.Nested(ScienceCategorySchema)
    tags = Computed("tag_names", fields.List(fields.String()))
    poster = Computed("poster_url", fields.String(allow_none=True))
    duration = fields.Integer(metadata={"description": "Seconds"})
    state = fields.String(metadata={"enum": STATES})
    published_at = UtcDateTime(allow_none=True)

    def page(self, video):
        return url_for("science.video", video_id=video.id)

    def tag_names(self, item):
        return [t.name for t in item.tags]

    def poster_url(self, video):
        return url_for("science.image", key=video.poster_key, size="large", ext="jpg") if video.poster_key else None


class VideoSchema(VideoSummarySchema):
    description = fields.String()
    transcript = fields.String()
    src = Computed("media_url", fields.String(metadata={"description": "The media file (Range requests accepted)"}))
    mime = fields.String(metadata={"enum": ["video/mp4", "video/webm"]})
    size = fields.Integer(metadata={"description": "Bytes"})
    author = fields.Nested(UserSchema)
    expert = fields.Boolean()

    def media_url(self, video):
        return url_for("science.video_media", video_id=video.id)


class BaseArgs(QuerySchema):
    """The map's filters (a QuerySchema without paging: the whole matching set, as GeoJSON)."""

    type = Choice([t.value for t in BaseType], metadata={"description": "Only bases of this type"})
    city = Text(validate=TextLength(max=40), metadata={"description": "Only bases in this city"})
    bbox = Text(validate=[TextLength(max=120), validate.Regexp(BBOX_PATTERN, error=BBOX_MESSAGE)], metadata={
        "description": "west,south,east,north in degrees (WGS84): only bases inside (an inverted box finds none)",
        "pattern": BBOX_PATTERN})


FEATURE_COLLECTION = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection (RFC 7946) of Points in [lon, lat] order",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {
            "type": "object",
            "required": ["type", "id", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer"},
                "geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {
                    "type": {"type": "string", "enum": ["Point"]},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                }},
                "properties": {"type": "object", "properties": {
                    name: {"type": "string"} for name in (
                        "name", "type", "type_title", "city", "province", "address", "opening_hours", "phone",
                        "website", "url")
                }},
            },
        }},
    },
}


class RecommendationSchema(ResponseSchema):
    article = fields.Nested(ArticleSummarySchema)
    reason = fields.String(metadata={"description": "Why it is recommended, e.g. 因为你关注 天文学"})
