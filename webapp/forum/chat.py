"""Chat rooms the forum gives (collected by webapp.chat): one public room per board,
`board:<id>`, where any logged-in member who is not suspended may read and post."""
from webapp.core.permissions import is_authenticated
from webapp.core.urls import path_for
from webapp.extensions import db
from webapp.forum.models import Board
from webapp.forum.services import rules


def can_read_board_chat(user, board):
    return board is not None and is_authenticated(user) and not getattr(user, "is_suspended", False)


def can_post_board_chat(user, board):
    """Reading, and not suspended from the forum (the same rule as starting a thread)."""
    return can_read_board_chat(user, board) and rules.why_not_start_thread(user, board) is None


def _load(obj_id):
    try:
        obj_id = int(obj_id)
    except (TypeError, ValueError):
        return None
    return db.session.get(Board, obj_id) if 0 < obj_id < 2**31 else None


def _rooms_for(user):
    if not is_authenticated(user):
        return []
    from webapp.forum.services import boards

    return boards()


def chat_rooms():
    """Chat rooms this capability gives (collected by webapp.chat)."""
    return [{
        "kind": "board",
        "load": _load,
        "title": lambda board: board.name,
        "url": lambda board: path_for("forum.board", board_id=board.id),
        "can_read": can_read_board_chat,
        "can_post": can_post_board_chat,
        "rooms_for": _rooms_for,
    }]
