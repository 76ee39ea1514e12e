"""Science API: articles (list, write, submit, review, read), categories, videos, the map's
bases as GeoJSON and recommendations. Every rule lives in `webapp.science.services`."""
from flask_login import current_user
from sqlalchemy.orm import selectinload

from webapp.api import api_route
from webapp.api.schemas import PageArgs, page_from_list, page_of
from webapp.core.pagination import paginate_by_key
from webapp.core.permissions import guard, require_login
from webapp.science import services
from webapp.science.models import Article, Video
from webapp.science.schemas import (
    FEATURE_COLLECTION,
    ArticleCreateSchema,
    ArticleListArgs,
    ArticleSchema,
    ArticleSummarySchema,
    BaseArgs,
    RecommendationSchema,
    ReviewSchema,
    ScienceCategorySchema,
    VideoSchema,
    VideoSummarySchema,
)
from webapp.science.services.rules import why_not_review

TAGS = ["science"]


@api_route("/articles", methods=["GET"], summary="Published articles, newest first", tags=TAGS,
           description="404 for a category slug that does not exist.",
           query=ArticleListArgs, responses={200: page_of(ArticleSummarySchema)}, errors=[404],
           endpoint="list_articles")
def list_articles(page, per_page, category=None, tag=None):
    cat = services.category_by_slug(category) if category else None
    query = services.public_articles(category=cat, tag=tag).options(selectinload(Article.tags))
    return paginate_by_key(query, Article.id, page, per_page, total=services.count_public(category=cat, tag=tag))


@api_route("/articles", methods=["POST"], summary="Write an article draft (seen by its author and editors only)",
           tags=TAGS, auth=True, request=ArticleCreateSchema, responses={201: ArticleSchema},
           endpoint="create_article", errors=[403])
def create_article(title, body, category_id, summary="", tags=()):
    return services.create_article(current_user, title, summary, body, category_id, list(tags or ()))


@api_route("/articles/categories", methods=["GET"], summary="The article categories", tags=TAGS, query=PageArgs,
           responses={200: page_of(ScienceCategorySchema)}, endpoint="list_article_categories")
def list_article_categories(page, per_page):
    return page_from_list(services.categories(), page, per_page)


@api_route("/articles/<int:article_id>", methods=["GET"], summary="An article",
           description="404 for a draft or unpublished article the caller may not see, as for a missing one.",
           tags=TAGS, responses={200: ArticleSchema}, endpoint="get_article")
def get_article(article_id):
    return services.get_article(article_id, current_user)


@api_route("/articles/<int:article_id>/submit", methods=["POST"], summary="The author submits a draft for review",
           description="409 not_editable unless the article is a draft or has changes requested.",
           tags=TAGS, auth=True, responses={200: ArticleSchema}, errors=[403, 409], endpoint="submit_article")
def submit_article(article_id):
    return services.submit(current_user, services.get_article(article_id, current_user))


def _may_review(article_id):
    guard(why_not_review(current_user, services.get_article(article_id, current_user)))


@api_route("/articles/<int:article_id>/review", methods=["POST"], summary="An editor's decision on a submitted article",
           description="approve (now, or at publish_at), changes (back to the author with the comment) or reject. "
                       "409 not_submitted unless the article is awaiting review.",
           tags=TAGS, auth=True, request=ReviewSchema, before=_may_review, responses={200: ArticleSchema},
           errors=[403, 409], endpoint="review_article")
def review_article(article_id, decision, comment="", publish_at=None):
    return services.review(current_user, services.get_article(article_id, current_user), decision, comment,
                           publish_at=publish_at)


@api_route("/videos", methods=["GET"], summary="Published videos, newest first", tags=TAGS, query=PageArgs,
           responses={200: page_of(VideoSummarySchema)}, endpoint="list_videos")
def list_videos(page, per_page):
    return paginate_by_key(services.public_videos().options(selectinload(Video.tags)), Video.id, page, per_page)


@api_route("/videos/<int:video_id>", methods=["GET"], summary="A video with its media URL, poster and transcript",
           tags=TAGS, responses={200: VideoSchema}, endpoint="get_video")
def get_video(video_id):
    return services.get_video(video_id, current_user)


@api_route("/map/bases", methods=["GET"], summary="Science-education bases as a GeoJSON FeatureCollection",
           description="Points in [lon, lat] order. Filters: type, city, bbox=west,south,east,north.",
           tags=TAGS, query=BaseArgs, responses={200: FEATURE_COLLECTION}, endpoint="list_bases")
def list_bases(type=None, city=None, bbox=None):
    box = services.parse_bbox(bbox) if bbox else None
    return services.feature_collection(services.bases(type=type, city=city, bbox=box), key=(type, city, box))


@api_route("/recommendations", methods=["GET"], summary="Articles recommended to the caller, each with its reason",
           tags=TAGS, auth=True, query=PageArgs, responses={200: page_of(RecommendationSchema)},
           endpoint="list_recommendations")
def list_recommendations(page, per_page):
    require_login(current_user)
    items = services.recommendations(current_user, limit=60)
    from webapp.science.services.discovery import load_tags

    load_tags([r.article for r in items])
    return page_from_list(items, page, per_page)
