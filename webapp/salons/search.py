"""What salons put in the site search (collected by webapp.search): approved salons only."""
from flask import url_for

from webapp.core.text import plain_text
from webapp.salons.models import Salon, SalonSpeaker, SalonState


def salon_document(salon):
    """The search document of an approved salon; None for any other (drafts, filed, returned,
    cancelled: not public)."""
    if salon is None or salon.state != SalonState.approved.value:
        return None
    from markupsafe import Markup

    speakers = "、".join(f"{s.name} {s.affiliation}".strip() for s in salon.speakers)
    body = " ".join(part for part in [Markup(plain_text(salon.description)).striptags(), speakers, salon.venue] if part)
    return {
        "title": salon.title,
        "body": body,
        "url": url_for("salons.detail", salon_id=salon.id),
        "created_at": salon.reviewed_at or salon.created_at,
        "discipline": salon.discipline,
        "category": "学术沙龙",
        "tags": [salon.format_enum.title],
    }


def all_salons():
    return Salon.query.filter(Salon.state == SalonState.approved.value).order_by(Salon.id).yield_per(200)


def search_sources():
    """What this capability puts in the site search (collected by webapp.search)."""
    return [{
        "type": "salon",
        "label": "学术沙龙",
        "model": Salon,
        "document": salon_document,
        "all": all_salons,
        "watch": {SalonSpeaker: lambda speaker: [speaker.salon_id]},
    }]
