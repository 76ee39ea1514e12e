"""Chat over HTTP for mobile clients: the caller's rooms with unread counts, and a room's
history. Live messages, typing and presence are the Socket.IO protocol (README "Chat")."""
from types import SimpleNamespace

from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import PageArgs, page_from_list, page_of
from webapp.chat import services
from webapp.chat.schemas import ChatHistoryArgs, ChatMessagesSchema, ChatRoomSchema
from webapp.core.errors import ValidationError

TAGS = ["chat"]


@api_route("/chat/rooms", methods=["GET"], summary="The caller's chat rooms, with unread counts",
           tags=TAGS, auth=True, query=PageArgs, responses={200: page_of(ChatRoomSchema)})
def chat_rooms(page, per_page):
    rooms = [SimpleNamespace(name=r.name, kind=r.kind, title=r.title, url=r.url, chat_url=r.chat_url, unread=n)
             for r, n in services.sidebar(current_user)]
    return page_from_list(rooms, page, per_page)


@api_route("/chat/rooms/<room>/messages", methods=["GET"], summary="A room's messages (the latest 50, older, or newer)",
           tags=TAGS, auth=True, query=ChatHistoryArgs, responses={200: ChatMessagesSchema}, errors=[403, 404],
           description="Without parameters the latest 50; `before_id` pages back; `after_id` returns what came "
                       "after (up to 500, oldest first), as `join {room, last_id}` does on the socket.")
def chat_messages(room, before_id=None, after_id=None):
    room_ref = services.room(room, current_user)
    if before_id is not None and after_id is not None:
        raise ValidationError(fields={"after_id": "before_id 与 after_id 只能选一个"})
    if after_id is not None:
        found, more = services.since(current_user, room_ref, after_id)
    else:
        found, more = services.history(current_user, room_ref, before_id=before_id)
    return {"room": room_ref.name, "items": [services.message_view(m, room_ref.name) for m in found],
            "has_more": more}
