"""Forum API: boards, threads, posts, likes, reports, subscriptions, accepted answers and the
staff's moderation. Each view calls one service; every rule is in `webapp.forum.services`."""
from flask import request
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import PageArgs, page_from_list, page_of
from webapp.core.permissions import guard
from webapp.forum import services
from webapp.forum.schemas import (
    BoardSchema,
    ModerationSchema,
    MoveSchema,
    PostCreateSchema,
    PostEditSchema,
    PostReportCreateSchema,
    PostReportSchema,
    PostSchema,
    SubscriptionSchema,
    ThreadCreateSchema,
    ThreadPostsArgs,
    ThreadSchema,
    ThreadSummarySchema,
)
from webapp.forum.services import rules

TAGS = ["forum"]


def _me():
    return current_user._get_current_object()


def _staff(thread_id):
    guard(rules.why_not_moderate(_me()))
    services.get_thread(thread_id)


@api_route("/boards", methods=["GET"], summary="The forum's boards, grouped by discipline, in display order",
           tags=TAGS, query=PageArgs, responses={200: page_of(BoardSchema)}, endpoint="forum_list_boards")
def list_boards(page, per_page):
    return page_from_list(services.boards(), page, per_page)


@api_route("/boards/<int:board_id>/threads", methods=["GET"], summary="A board's threads: pinned first, then by last activity",
           tags=TAGS, query=PageArgs, responses={200: page_of(ThreadSummarySchema)}, endpoint="forum_list_threads")
def list_threads(board_id, page, per_page):
    board = services.get_board(board_id)
    result, _ = services.board_threads(board, page, per_page)
    return result


@api_route("/boards/<int:board_id>/threads", methods=["POST"], summary="Start a thread (discussion or question)",
           tags=TAGS, auth=True, request=ThreadCreateSchema, responses={201: ThreadSchema}, errors=[403, 429],
           endpoint="forum_create_thread",
           description="Unverified accounts are rate-limited (429 with Retry-After) and may not post links until "
                       "they have a few approved posts (422 `links_not_allowed`); 403 `forum_suspended`.",
           before=lambda board_id: services.get_board(board_id))
def create_thread(board_id, title, body, tags=(), kind="discussion"):
    return services.start_thread(_me(), services.get_board(board_id), title, body, list(tags or []), kind)


@api_route("/threads/<int:thread_id>", methods=["GET"], summary="A thread with its first post", tags=TAGS,
           responses={200: ThreadSchema}, endpoint="forum_get_thread")
def get_thread(thread_id):
    return services.get_thread(thread_id)


@api_route("/threads/<int:thread_id>/posts", methods=["GET"], summary="A thread's posts in order (20 a page by default)",
           tags=TAGS, query=ThreadPostsArgs, responses={200: page_of(PostSchema)}, endpoint="forum_list_posts")
def list_posts(thread_id, page, per_page):
    thread = services.get_thread(thread_id)
    result, liked = services.thread_posts(thread, page, _me(), per_page=per_page)
    request.environ["forum.liked"] = {post.id: post.id in liked for post in result.items}
    return result


@api_route("/threads/<int:thread_id>/posts", methods=["POST"], summary="Reply, optionally quoting a post of the thread",
           tags=TAGS, auth=True, request=PostCreateSchema, responses={201: PostSchema}, errors=[403, 409, 429],
           endpoint="forum_create_post",
           description="409 `thread_locked` on a locked thread. @username mentions notify those users.",
           before=lambda thread_id: guard(rules.why_not_reply(_me(), services.get_thread(thread_id))))
def create_post(thread_id, body, quote_post_id=None):
    return services.reply(_me(), services.get_thread(thread_id), body, quote_post_id)


@api_route("/posts/<int:post_id>", methods=["PATCH"], summary="Edit one's post (the previous version is kept)",
           tags=TAGS, auth=True, request=PostEditSchema, responses={200: PostSchema}, errors=[403, 409],
           endpoint="forum_edit_post",
           before=lambda post_id: guard(rules.why_not_edit(_me(), services.get_post(post_id))))
def edit_post(post_id, body, title=None, tags=None):
    return services.edit_post(_me(), services.get_post(post_id), body, title=title, tags=tags)


@api_route("/posts/<int:post_id>", methods=["DELETE"], summary="Delete one's post (soft: marked, shown as deleted)",
           tags=TAGS, auth=True, responses={200: PostSchema}, errors=[403, 409], endpoint="forum_delete_post")
def delete_post(post_id):
    return services.delete_post(_me(), services.get_post(post_id))


@api_route("/posts/<int:post_id>/like", methods=["POST"], summary="Like a post; idempotent",
           description="201 for a new like, 200 when the caller had already liked it; 409 `own_post`.",
           tags=TAGS, auth=True, responses={201: PostSchema, 200: PostSchema}, errors=[403, 409],
           endpoint="forum_like_post")
def like_post(post_id):
    post = services.get_post(post_id)
    new = services.like(_me(), post)
    return post, 201 if new else 200


@api_route("/posts/<int:post_id>/like", methods=["DELETE"], summary="Take one's like back; idempotent",
           tags=TAGS, auth=True, responses={200: PostSchema}, endpoint="forum_unlike_post")
def unlike_post(post_id):
    post = services.get_post(post_id)
    services.unlike(_me(), post)
    return post


@api_route("/posts/<int:post_id>/report", methods=["POST"], summary="Report a post to staff with a reason",
           tags=TAGS, auth=True, request=PostReportCreateSchema, responses={201: PostReportSchema}, errors=[409],
           endpoint="forum_report_post",
           before=lambda post_id: guard(rules.why_not_report(_me(), services.get_post(post_id))))
def report_post(post_id, reason):
    return services.report(_me(), services.get_post(post_id), reason)


@api_route("/posts/<int:post_id>/accept", methods=["POST"], summary="Accept a reply as the answer (the asker)",
           tags=TAGS, auth=True, responses={200: PostSchema}, errors=[403, 409], endpoint="forum_accept_post")
def accept_post(post_id):
    return services.accept(_me(), services.get_post(post_id))


@api_route("/threads/<int:thread_id>/subscription", methods=["POST"], summary="Subscribe: notify me of replies",
           tags=TAGS, auth=True, responses={200: SubscriptionSchema}, idempotent=False, endpoint="forum_subscribe")
def subscribe(thread_id):
    return services.subscribe(_me(), services.get_thread(thread_id))


@api_route("/threads/<int:thread_id>/subscription", methods=["DELETE"], summary="Mute the thread: no more notifications",
           tags=TAGS, auth=True, responses={200: SubscriptionSchema}, endpoint="forum_mute")
def mute(thread_id):
    return services.mute(_me(), services.get_thread(thread_id))


def _moderation(name, summary, service):
    def view(thread_id, reason=None):
        return service(_me(), services.get_thread(thread_id), reason)

    view.__name__ = f"forum_{name}_thread"
    api_route(f"/threads/<int:thread_id>/{name}", methods=["POST"], summary=summary + " (staff)", tags=TAGS,
              auth=True, request=ModerationSchema, optional_body=True, responses={200: ThreadSchema},
              errors=[403, 409], idempotent=False, endpoint=view.__name__, before=_staff)(view)


_moderation("lock", "Lock a thread: no more replies", services.lock)
_moderation("unlock", "Unlock a thread", services.unlock)
_moderation("pin", "Pin a thread to the top of its board", services.pin)
_moderation("unpin", "Unpin a thread", services.unpin)


@api_route("/threads/<int:thread_id>/move", methods=["POST"], summary="Move a thread to another board (staff)",
           tags=TAGS, auth=True, request=MoveSchema, responses={200: ThreadSchema}, errors=[403, 409],
           endpoint="forum_move_thread", before=_staff)
def move_thread(thread_id, board_id, reason=None):
    return services.move(_me(), services.get_thread(thread_id), board_id, reason)
