"""Science hub pages: the front page, articles (read, write, submit, review), categories,
tags, feeds and images. Videos and the map are in views_media.py (same blueprint).

Each view parses its form, calls one service and renders or redirects; a refused action
re-renders the form with the problems under the fields.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from webapp.core.errors import ServiceError, ValidationError
from webapp.core.forms import (
    already_submitted,
    flash_service_error,
    redirect_after_submission,
    show_service_error,
    uploaded,
)
from webapp.core.pagination import paginate_by_key, parse_page_args
from webapp.core.timeutil import local_zone
from webapp.science import feeds, services
from webapp.science.forms import ActionForm, ArticleForm, ReviewForm, choices
from webapp.science.models import Article
from webapp.science.services import media

bp = Blueprint("science", __name__, url_prefix="/science", template_folder="templates")

PER_PAGE = 20


def viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def category_choices():
    return choices((c.id, c.name) for c in services.categories())


def local_to_utc(moment):
    return moment.replace(tzinfo=local_zone()) if moment is not None else None


# ---------------------------------------------------------------- discovery

@bp.route("/")
def index():
    return render_template("science/index.html", front=services.front_page(), categories=services.categories(),
                           recommended=services.recommendations(viewer(), limit=4), tags=services.tag_cloud(20))


@bp.route("/recommended")
@login_required
def recommended():
    return render_template("science/recommended.html", items=services.recommendations(viewer(), limit=20))


@bp.route("/categories/<slug>")
def category(slug):
    category = services.category_by_slug(slug)
    page, per_page = parse_page_args(request.args, PER_PAGE, PER_PAGE)
    result = paginate_by_key(services.public_articles(category=category), Article.id, page, per_page,
                             total=services.count_public(category=category))
    return render_template("science/list.html", title=category.name, category=category, page=result,
                           categories=services.categories())


@bp.route("/tags/<tag>")
def tag(tag):
    if len(tag) > 24:
        abort(404)
    page, per_page = parse_page_args(request.args, PER_PAGE, PER_PAGE)
    result = paginate_by_key(services.public_articles(tag=tag), Article.id, page, per_page,
                             total=services.count_public(tag=tag))
    return render_template("science/list.html", title=f"标签：{tag}", tag=tag, page=result,
                           categories=services.categories())


@bp.route("/feed.atom")
def feed():
    return feeds.feed_response()


@bp.route("/categories/<slug>/feed.atom")
def category_feed(slug):
    return feeds.feed_response(services.category_by_slug(slug))


@bp.route("/images/<key>/<size>.<ext>")
def image(key, size, ext):
    path = media.image_path(key, size, ext)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=media.image_mime(ext), conditional=True, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- articles

@bp.route("/articles/<int:article_id>")
def article(article_id):
    article = services.get_article(article_id, viewer())
    services.record_read(viewer(), article)
    review_form = ReviewForm(formdata=None) if services.can_review(viewer(), article) else None
    return render_template("science/article.html", article=article, related=services.related_articles(article),
                           body_html=services.rendered_body(article),
                           review_form=review_form, action_form=ActionForm(formdata=None),
                           categories=services.categories())


@bp.route("/articles/new", methods=["GET", "POST"])
@login_required
def new_article():
    form = ArticleForm()
    form.category_id.choices = category_choices()
    status = 200
    if request.method == "POST":
        done = already_submitted(viewer(), form)
        if done:
            return done
        try:
            article = services.create_article(viewer(), form.title.data, form.summary.data, form.body.data,
                                              form.category_id.data, form.tags.data, cover=uploaded(form.cover))
        except ValidationError as exc:
            status = show_service_error(form, exc)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("草稿已保存。检查无误后请提交审核。", "success")
            return redirect_after_submission(viewer(), form, url_for(".article", article_id=article.id))
    return render_template("science/article_form.html", form=form, article=None), status


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit_article(article_id):
    article = services.get_article(article_id, viewer())
    if not services.can_edit(viewer(), article):
        abort(403)
    form = ArticleForm(obj=article) if request.method == "GET" else ArticleForm()
    if request.method == "GET":
        form.tags.data = "，".join(t.name for t in article.tags)
    form.category_id.choices = category_choices()
    status = 200
    if request.method == "POST":
        try:
            services.update_article(viewer(), article, form.title.data, form.summary.data, form.body.data,
                                    form.category_id.data, form.tags.data, cover=uploaded(form.cover))
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("修改已保存。", "success")
            return redirect(url_for(".article", article_id=article.id))
    return render_template("science/article_form.html", form=form, article=article), status


def _submit(item, url):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.submit(viewer(), item)
    except ServiceError as exc:
        flash_service_error(exc)
    else:
        flash("已提交审核，编辑审核后会通知你。", "success")
    return redirect(url)


def _review(item, url, template, **context):
    form = ReviewForm()
    try:
        services.review(viewer(), item, form.decision.data, form.comment.data,
                        publish_at=local_to_utc(form.publish_at.data))
    except ValidationError as exc:
        show_service_error(form, exc)
        return render_template(template, review_form=form, action_form=ActionForm(formdata=None),
                               categories=services.categories(), **context), exc.status
    except ServiceError as exc:
        flash_service_error(exc)
        return redirect(url)
    flash("审核结果已保存并通知作者。", "success")
    return redirect(url)


@bp.route("/articles/<int:article_id>/submit", methods=["POST"])
@login_required
def submit_article(article_id):
    article = services.get_article(article_id, viewer())
    return _submit(article, url_for(".article", article_id=article.id))


@bp.route("/articles/<int:article_id>/review", methods=["POST"])
@login_required
def review_article(article_id):
    article = services.get_article(article_id, viewer())
    if not services.is_editor(viewer()):
        abort(403)
    return _review(article, url_for(".article", article_id=article.id), "science/article.html", article=article,
                   related=services.related_articles(article), body_html=services.rendered_body(article))


@bp.route("/mine")
@login_required
def mine():
    from webapp.science.models import Video

    articles = services.articles_by(viewer(), viewer()).limit(200).all()
    videos = Video.query.filter(Video.author_id == viewer().id).order_by(Video.updated_at.desc()).limit(100).all()
    return render_template("science/mine.html", articles=articles, videos=videos)


@bp.route("/review")
@login_required
def review_queue():
    if not services.can_review_queue(viewer()):
        abort(403)
    return render_template("science/review_queue.html", articles=services.review_queue(viewer()).limit(200).all(),
                           videos=services.video_queue(viewer()).limit(200).all())


@bp.app_template_global()
def science_on_home():
    """The home page's popular-science column: the latest published articles."""
    return services.public_articles().limit(5).all()
