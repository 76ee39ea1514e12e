"""Search API: hits across the site, and title completion."""
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import page_from_list, page_of
from webapp.search import services
from webapp.search.schemas import SearchArgs, SearchPageSchema, SearchSuggestionSchema, SuggestArgs

TAGS = ["search"]


def split_types(value):
    return [t.strip() for t in (value or "").split(",") if t.strip()]


@api_route("/search", methods=["GET"], endpoint="search", tags=TAGS, query=SearchArgs,
           summary="Full-text search of everything public (Chinese words, phrases, substrings)",
           description="Hits of every type the caller's filters allow, best first (or newest with sort=date). "
                       "Only public content is ever found. 422 for an unknown type or a date range "
                       "ending before it starts.",
           responses={200: SearchPageSchema})
def search(q, page, per_page, sort, type=None, discipline=None, category=None, date_from=None, date_to=None):
    return services.search(current_user, q, types=split_types(type), discipline=discipline, category=category,
                           date_from=date_from, date_to=date_to, sort=sort, page=page, per_page=per_page)


@api_route("/search/suggest", methods=["GET"], endpoint="search_suggest", tags=TAGS, query=SuggestArgs,
           summary="Titles completing what is being typed (at most eight)",
           responses={200: page_of(SearchSuggestionSchema)})
def search_suggest(q):
    found = services.suggest(current_user, q)
    return page_from_list(found, 1, services.SUGGEST_LIMIT)
