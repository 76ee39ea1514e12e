"""The forum API's request and response schemas: boards, threads, posts, likes, reports,
subscriptions and moderation bodies. Limits are the models' constants; rendered Markdown
(`body_html`) is what the page shows, sanitised once when the post was written."""
from flask import has_request_context, request
from marshmallow import fields

from webapp.accounts.schemas import UserSchema
from webapp.api.fields import Choice, Computed, Id, Text, TextLength, UtcDateTime
from webapp.api.schemas import PageArgs, RequestSchema, ResponseSchema, viewer
from webapp.forum.models import (
    BODY_MAX,
    BODY_MIN,
    REASON_MAX,
    REASON_MIN,
    TAG_MAX_LEN,
    TITLE_MAX,
    TITLE_MIN,
    ReportState,
    ThreadKind,
)
from webapp.forum.services import rules
from webapp.forum.services.posting import thread_problems
from webapp.forum.services.reactions import liked_ids

KINDS = [k.value for k in ThreadKind]


# ---------------------------------------------------------------- responses

class BoardSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("path", fields.String(metadata={"description": "Path of the board's page"}))
    slug = fields.String()
    name = fields.String()
    description = fields.String()
    group = fields.String(attribute="group_name", metadata={"description": "The discipline group (数理, 化学, …)"})
    position = fields.Integer()
    thread_count = fields.Integer()
    post_count = fields.Integer()
    last_post_at = UtcDateTime(allow_none=True)

    def path(self, board):
        from webapp.core.urls import path_for

        return path_for("forum.board", board_id=board.id)


class PostPermissionsSchema(ResponseSchema):
    edit = fields.Boolean()
    delete = fields.Boolean()
    like = fields.Boolean()
    report = fields.Boolean()
    accept = fields.Boolean()


class PostSchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("path", fields.String(metadata={"description": "Path of the post on its thread's page"}))
    thread_id = fields.Integer()
    number = fields.Integer(metadata={"description": "Position in the thread: 0 is the first post"})
    author = fields.Nested(UserSchema, allow_none=True)
    body = Computed("source", fields.String(allow_none=True, metadata={
        "description": "Markdown source; null when deleted, or hidden from this caller"}))
    body_html = Computed("html", fields.String(allow_none=True, metadata={"description": "Sanitised HTML"}))
    quote_post_id = fields.Integer(allow_none=True)
    like_count = fields.Integer()
    liked = Computed("liked_by_viewer", fields.Boolean())
    edited = fields.Boolean()
    edited_at = UtcDateTime(allow_none=True)
    deleted = Computed("is_deleted", fields.Boolean())
    hidden = Computed("is_hidden", fields.Boolean())
    accepted = Computed("is_accepted", fields.Boolean(metadata={"description": "The asker's accepted answer"}))
    created_at = UtcDateTime()
    permissions = Computed("permissions_of_viewer", fields.Nested(PostPermissionsSchema))

    def path(self, post):
        from webapp.forum.services import post_path

        return post_path(post)

    def source(self, post):
        return post.body if rules.can_read_post(viewer(), post) else None

    def html(self, post):
        return post.body_html if rules.can_read_post(viewer(), post) else None

    def liked_by_viewer(self, post):
        known = request.environ.get("forum.liked") if has_request_context() else None  # asked once per page
        if known is not None and post.id in known:
            return known[post.id]
        return post.id in liked_ids(viewer(), [post.id])

    def is_deleted(self, post):
        return post.deleted_at is not None

    def is_hidden(self, post):
        return post.hidden_at is not None

    def is_accepted(self, post):
        return post.thread.accepted_post_id == post.id

    def permissions_of_viewer(self, post):
        user = viewer()
        return {"edit": rules.can_edit(user, post), "delete": rules.can_delete(user, post),
                "like": rules.can_like(user, post), "report": rules.can_report(user, post),
                "accept": rules.can_accept(user, post)}


class ThreadSummarySchema(ResponseSchema):
    id = fields.Integer()
    url = Computed("path", fields.String(metadata={"description": "Path of the thread's page"}))
    title = fields.String()
    board_id = fields.Integer()
    tags = fields.List(fields.String())
    kind = fields.String(metadata={"enum": KINDS})
    locked = fields.Boolean()
    lock_reason = fields.String(allow_none=True)
    pinned = fields.Boolean()
    post_count = fields.Integer(metadata={"description": "Posts, the first included"})
    reply_count = fields.Integer()
    view_count = fields.Integer()
    accepted_post_id = fields.Integer(allow_none=True)
    author = fields.Nested(UserSchema, allow_none=True)
    created_at = UtcDateTime()
    last_post_at = UtcDateTime()

    def path(self, thread):
        from webapp.core.urls import path_for

        return path_for("forum.thread", thread_id=thread.id)


class ThreadSchema(ThreadSummarySchema):
    first_post = Computed("the_first_post", fields.Nested(PostSchema))
    can_reply = Computed("may_reply", fields.Boolean())

    def the_first_post(self, thread):
        from webapp.forum.services import first_post

        return first_post(thread)

    def may_reply(self, thread):
        return rules.can_reply(viewer(), thread)


class SubscriptionSchema(ResponseSchema):
    thread_id = fields.Integer()
    subscribed = fields.Boolean()
    muted = fields.Boolean()
    bookmarked = fields.Boolean()
    last_read_number = fields.Integer(allow_none=True)


class PostReportSchema(ResponseSchema):
    id = fields.Integer()
    post_id = fields.Integer()
    reason = fields.String()
    state = fields.String(metadata={"enum": [s.value for s in ReportState]})
    created_at = UtcDateTime()


# ---------------------------------------------------------------- requests

class ThreadCreateSchema(RequestSchema):
    title = Text(required=True, validate=TextLength(min=TITLE_MIN, max=TITLE_MAX))
    body = Text(required=True, validate=TextLength(min=BODY_MIN, max=BODY_MAX), metadata={"description": "Markdown"})
    tags = fields.List(Text(validate=TextLength(max=TAG_MAX_LEN)), load_default=list,
                       metadata={"description": "At most 4, each at most 20 characters"})
    kind = Choice(KINDS, load_default=ThreadKind.discussion.value)

    def service_problems(self, valid):
        problems = thread_problems(valid.get("title") or "x" * TITLE_MIN, valid.get("body") or "x" * BODY_MIN,
                                   valid.get("tags") or [], valid.get("kind") or ThreadKind.discussion.value)
        return problems


class PostCreateSchema(RequestSchema):
    body = Text(required=True, validate=TextLength(min=BODY_MIN, max=BODY_MAX), metadata={"description": "Markdown"})
    quote_post_id = Id(metadata={"description": "A post of the same thread to quote (a quote block is prepended)"})


class PostEditSchema(RequestSchema):
    body = Text(required=True, validate=TextLength(min=BODY_MIN, max=BODY_MAX))
    title = Text(validate=TextLength(min=TITLE_MIN, max=TITLE_MAX), metadata={"description": "First post only"})
    tags = fields.List(Text(validate=TextLength(max=TAG_MAX_LEN)), allow_none=True,
                       metadata={"description": "First post only"})


class PostReportCreateSchema(RequestSchema):
    reason = Text(required=True, validate=TextLength(min=REASON_MIN, max=REASON_MAX))


class ModerationSchema(RequestSchema):
    reason = Text(validate=TextLength(max=REASON_MAX), metadata={"description": "Kept in the audit log"})


class MoveSchema(ModerationSchema):
    board_id = Id(required=True)


class ThreadPostsArgs(PageArgs):
    pass
