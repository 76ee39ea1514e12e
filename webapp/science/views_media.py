"""Science hub pages for videos (科普微视) and the map of science-education bases (科普地图)."""
from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from webapp.core.errors import ServiceError
from webapp.core.forms import already_submitted, redirect_after_submission, show_service_error, uploaded
from webapp.core.pagination import paginate_by_key, parse_page_args
from webapp.core.security import CSP
from webapp.science import services
from webapp.science.forms import ActionForm, BaseForm, MapFilterForm, ReviewForm, VideoForm, choices
from webapp.science.models import BaseType, Video
from webapp.science.services import media
from webapp.science.views import _review, _submit, bp, category_choices, viewer

# ---------------------------------------------------------------- videos


@bp.route("/videos/")
def videos():
    page, per_page = parse_page_args(request.args, 12, 12)
    query = services.public_videos()
    result = paginate_by_key(query, Video.id, page, per_page)
    return render_template("science/videos.html", page=result)


@bp.route("/videos/<int:video_id>")
def video(video_id):
    video = services.get_video(video_id, viewer())
    review_form = ReviewForm(formdata=None) if services.can_review(viewer(), video) else None
    return render_template("science/video.html", video=video, related=services.related_articles_for_video(video),
                           review_form=review_form, action_form=ActionForm(formdata=None))


@bp.route("/videos/<int:video_id>/media")
def video_media(video_id):
    """The video file, with Range support (206 / 416) so the player can seek; streamed in chunks."""
    video = services.get_video(video_id, viewer())
    path = media.video_path(video.file_key)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=video.mime, conditional=True, max_age=3600, etag=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Accept-Ranges"] = "bytes"
    return response


@bp.route("/videos/new", methods=["GET", "POST"])
@login_required
def new_video():
    # A video is larger than the site-wide request limit.
    request.max_content_length = current_app.config["SCIENCE_VIDEO_MAX_BYTES"] + 2 * 1024 * 1024
    form = VideoForm()
    form.category_id.choices = category_choices()
    status = 200
    if request.method == "POST":
        done = already_submitted(viewer(), form)
        if done:
            return done
        try:
            video = services.create_video(viewer(), form.title.data, form.description.data, form.category_id.data,
                                          uploaded(form.file), poster=uploaded(form.poster), tags=form.tags.data,
                                          duration=form.duration.data or 0, transcript=form.transcript.data)
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("视频草稿已保存。检查无误后请提交审核。", "success")
            return redirect_after_submission(viewer(), form, url_for(".video", video_id=video.id))
    return render_template("science/video_form.html", form=form), status


@bp.route("/videos/<int:video_id>/submit", methods=["POST"])
@login_required
def submit_video(video_id):
    video = services.get_video(video_id, viewer())
    return _submit(video, url_for(".video", video_id=video.id))


@bp.route("/videos/<int:video_id>/review", methods=["POST"])
@login_required
def review_video(video_id):
    video = services.get_video(video_id, viewer())
    if not services.is_editor(viewer()):
        abort(403)
    return _review(video, url_for(".video", video_id=video.id), "science/video.html", video=video,
                   related=services.related_articles_for_video(video))


# ---------------------------------------------------------------- the map

@bp.route("/map")
def map():
    form = MapFilterForm(request.args)
    form.type.choices = choices([("", "全部类型")] + [(t.value, t.title) for t in BaseType])
    form.city.choices = choices([("", "全部城市")] + [(c, c) for c in services.cities()])
    base_type = request.args.get("type", "")
    base_type = base_type if base_type in {t.value for t in BaseType} else None
    city = (request.args.get("city") or "")[:40] or None
    rows = services.bases(type=base_type, city=city).limit(2000).all()
    page = render_template("science/map.html", form=form, bases=rows, base_type=base_type or "", city=city or "",
                           tile_url=current_app.config["SCIENCE_TILE_URL"],
                           tile_attribution=current_app.config["SCIENCE_TILE_ATTRIBUTION"],
                           can_edit=services.can_edit_bases(viewer()))
    response = make_response(page)
    tile_origin = _origin(current_app.config["SCIENCE_TILE_URL"])
    if tile_origin:
        # The tiles are images from the tile server: this page's CSP admits that one origin.
        response.headers["Content-Security-Policy"] = CSP.replace("img-src 'self'", f"img-src 'self' {tile_origin}")
    return response


def _origin(url):
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;'\"\\"):
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


@bp.route("/bases/<int:base_id>")
def base(base_id):
    return render_template("science/base.html", base=services.get_base(base_id),
                           can_edit=services.can_edit_bases(viewer()))


def _base_form_page(base):
    if not services.can_edit_bases(viewer()):
        abort(403)
    form = BaseForm(obj=base) if request.method == "GET" and base is not None else BaseForm()
    if request.method == "GET" and base is not None:
        form.type.data = base.type_enum.title
    status = 200
    if request.method == "POST" and form.validate():
        values = {name: form[name].data for name in services.bases_fields()}
        try:
            saved = services.save_base(viewer(), base, values, photo=uploaded(form.photo))
        except ServiceError as exc:
            status = show_service_error(form, exc)
        else:
            flash("科普基地已保存。", "success")
            return redirect(url_for(".base", base_id=saved.id))
    elif request.method == "POST":
        status = 400
    return render_template("science/base_form.html", form=form, base=base), status


@bp.route("/bases/new", methods=["GET", "POST"])
@login_required
def new_base():
    return _base_form_page(None)


@bp.route("/bases/<int:base_id>/edit", methods=["GET", "POST"])
@login_required
def edit_base(base_id):
    return _base_form_page(services.get_base(base_id))
