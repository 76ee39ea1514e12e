"""What suggestions put in the site search (collected by webapp.search): published
suggestions (public, screened in, not hidden) with their public answers. Private, waiting
for screening, refused, withdrawn or hidden ones have no document; neither has a draft or
hidden answer."""
from flask import url_for
from sqlalchemy.orm import joinedload

from webapp.core.text import render_markdown
from webapp.suggestions.models import LeaderAnswer, Suggestion
from webapp.suggestions.services.reading import answer_visible_to


def _plain(markdown):
    return render_markdown(markdown).striptags()


def suggestion_document(suggestion):
    """The search document of a suggestion everyone may read, else None."""
    if not suggestion.is_publicly_visible():
        return None
    body = _plain(suggestion.body)
    answer = answer_visible_to(suggestion, None)
    if answer is not None:
        body += "\n领导答复：" + _plain(answer.body)
    return {
        "title": suggestion.title,
        "body": body,
        "url": url_for("suggestions.detail", suggestion_id=suggestion.id),
        "created_at": suggestion.created_at,
        "discipline": None,
        "category": suggestion.category.name if suggestion.category else None,
        "tags": [],
    }


def all_suggestions():
    return (Suggestion.query.filter(Suggestion.is_visible_to(None))
            .options(joinedload(Suggestion.category), joinedload(Suggestion.answer))
            .order_by(Suggestion.id).yield_per(500))


def search_sources():
    """What this capability puts in the site search (collected by webapp.search)."""
    return [{
        "type": "suggestion",
        "label": "建言献策",
        "model": Suggestion,
        "document": suggestion_document,
        "all": all_suggestions,
        "watch": {LeaderAnswer: lambda answer: [answer.suggestion_id]},
        # What suggestion_document reads, loaded with the hits (webapp.search's optional key).
        "eager": [joinedload(Suggestion.category), joinedload(Suggestion.answer)],
    }]
