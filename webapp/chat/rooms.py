"""Which rooms exist: the kinds other capabilities give, and the direct messages.

A capability with rooms has a `chat` submodule whose `chat_rooms()` returns the specs of
its kinds (see README, "Chat"): `kind`, `load(id) -> obj | None`, `title(obj)`, `url(obj)`,
`can_read(user, obj)`, `can_post(user, obj)`, `rooms_for(user) -> [obj]`. They are collected
once per app from `webapp.capabilities()`; `register_room_kind` adds one by hand (tests).
Direct messages (`dm:<user id>`) are this capability's own kind.
"""
import importlib
import re
from dataclasses import dataclass, field

from flask import current_app

from webapp.core.errors import NotFound
from webapp.core.permissions import is_authenticated
from webapp.core.urls import path_for
from webapp.extensions import db

DM = "dm"
_NAME = re.compile(r"^([a-z]{1,16}):([1-9][0-9]{0,9})$")
_EXTRA = "chat_extra_room_kinds"
_KINDS = "chat_room_kinds"


def register_room_kind(app, spec):
    """Add a room kind by hand (the capabilities' own are collected from their `chat` module)."""
    app.extensions.setdefault(_EXTRA, {})[spec["kind"]] = spec
    app.extensions.pop(_KINDS, None)


def room_kinds():
    """{kind: spec} of the rooms other capabilities give, collected once per app."""
    kinds = current_app.extensions.get(_KINDS)
    if kinds is None:
        from webapp import capabilities

        kinds = {}
        for capability in capabilities():
            try:
                module = importlib.import_module(capability.__name__ + ".chat")
            except ModuleNotFoundError as exc:
                if exc.name != capability.__name__ + ".chat":
                    raise
                continue
            for spec in module.chat_rooms():
                kinds[spec["kind"]] = spec
        kinds.update(current_app.extensions.get(_EXTRA, {}))
        kinds.pop(DM, None)
        current_app.extensions[_KINDS] = kinds
    return kinds


@dataclass
class Room:
    """A room as one viewer names it. `key` is the same for every member (the socket room and
    the stored `ChatRoom.key`); `name` is the viewer's (`dm:<other id>` for a direct message)."""

    name: str
    key: str
    kind: str
    obj: object
    spec: dict | None = None
    # The stored ChatRoom row once looked up (`services.stored_room`), or False before.
    row: object = False
    # {user id: their active mute or None}, looked up once per action (`services.active_mute`).
    mutes: dict = field(default_factory=dict)

    @property
    def is_dm(self):
        return self.kind == DM

    @property
    def title(self):
        if self.is_dm:
            return f"与 {self.obj.display_name} 的私信"
        return self.spec["title"](self.obj)

    @property
    def url(self):
        """The page of the thing the room is about (the other member's profile for a DM)."""
        return self.obj.url if self.is_dm else self.spec["url"](self.obj)

    @property
    def chat_url(self):
        return path_for("chat.room", room=self.name)

    def member_ids(self):
        """For a DM, the two members (their messages go to their personal socket rooms)."""
        low, high = self.key.split(":", 1)[1].split("-")
        return int(low), int(high)

    def name_for(self, user_id):
        """The room's name as member `user_id` knows it."""
        if not self.is_dm:
            return self.name
        low, high = self.member_ids()
        return f"{DM}:{high if user_id == low else low}"


def dm_key(a_id, b_id):
    low, high = sorted((a_id, b_id))
    return f"{DM}:{low}-{high}"


def resolve(name, viewer):
    """The room `name` names for `viewer`, or NotFound (no such kind or object).
    Whether the viewer may read it is `can_read`'s to say."""
    from webapp.accounts.models import User

    match = _NAME.match(name) if isinstance(name, str) else None
    if match is None:
        raise NotFound("没有这个聊天室")
    kind, obj_id = match.group(1), int(match.group(2))
    if obj_id > 2**31 - 1:
        raise NotFound("没有这个聊天室")
    if kind == DM:
        other = db.session.get(User, obj_id)
        if other is None or not is_authenticated(viewer) or other.id == viewer.id:
            raise NotFound("没有这个聊天室")
        return Room(name=name, key=dm_key(viewer.id, other.id), kind=DM, obj=other)
    spec = room_kinds().get(kind)
    obj = spec["load"](obj_id) if spec else None
    if obj is None:
        raise NotFound("没有这个聊天室")
    return Room(name=name, key=name, kind=kind, obj=obj, spec=spec)


def rooms_for(user):
    """The rooms of other kinds listed in `user`'s chat sidebar."""
    rooms = []
    for kind, spec in room_kinds().items():
        for obj in spec["rooms_for"](user):
            name = f"{kind}:{obj.id}"
            rooms.append(Room(name=name, key=name, kind=kind, obj=obj, spec=spec))
    return rooms
