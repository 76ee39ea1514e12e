"""The science hub's services: articles and videos under one editorial workflow, the map's
bases, discovery and recommendations. Each module holds one concern; this package
re-exports what views, API and CLI call."""
from webapp.science.services.articles import (  # noqa: F401
    DEFAULT_CATEGORIES,
    articles_by,
    categories,
    category_by_name,
    category_by_slug,
    clean_tags,
    count_public,
    create_article,
    get_article,
    public_articles,
    record_read,
    related_articles,
    rendered_body,
    review_queue,
    update_article,
)
from webapp.science.services.discovery import front_page, recommendations, tag_cloud  # noqa: F401
from webapp.science.services.rules import (  # noqa: F401
    can_edit,
    can_edit_bases,
    can_review,
    can_review_queue,
    can_submit,
    can_view,
    can_write,
    is_editor,
)
from webapp.science.services.sites import (  # noqa: F401
    bases,
    bases_fields,
    cities,
    feature_collection,
    get_base,
    parse_bbox,
    save_base,
    type_counts,
)
from webapp.science.services.videos import (  # noqa: F401
    create_video,
    get_video,
    public_videos,
    related_articles_for_video,
    video_queue,
)
from webapp.science.services.workflow import DECISIONS, item_url, publish_due, review, submit  # noqa: F401
