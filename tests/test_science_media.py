"""Images and videos: Pillow-checked covers in several sizes (WebP + JPEG), videos recognised
by their bytes and size-limited without being stored, served with Range (206 / 416)."""
import io
from pathlib import Path

import pytest
from PIL import Image

from tests.science_helpers import SAMPLE, science  # noqa: F401  (the fixture)

WEBM = (SAMPLE / "videos" / "sample.webm").read_bytes()


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (800, 400), (10, 90, 200)).save(buf, format="PNG")
    buf.seek(0)
    return buf


def test_cover_stored_as_webp_and_jpeg_in_several_widths(science, app):
    from webapp.science import services
    from webapp.science.services import media

    article = services.create_article(science.author, "带封面的文章", "", "正文" * 20, science.category().id,
                                      [], cover=_png())
    from webapp.extensions import db

    db.session.commit()
    for size, width in media.IMAGE_WIDTHS.items():
        for ext, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            path = media.image_path(article.cover_key, size, ext)
            with Image.open(path) as im:
                assert im.format == fmt and im.width == min(width, 800)


def test_a_text_file_is_not_a_cover(science):
    from webapp.core.errors import ValidationError
    from webapp.science import services

    with pytest.raises(ValidationError) as exc:
        services.create_article(science.author, "带封面的文章", "", "正文" * 20, science.category().id, [],
                                cover=io.BytesIO(b"just text, not an image"))
    assert "cover" in exc.value.fields


def _video(science, data, **kw):
    from webapp.science import services

    return services.create_video(science.author, "认识电视测试图", "测试图视频", science.category().id,
                                 io.BytesIO(data), **kw)


def test_video_recognised_by_bytes(science):
    from webapp.science.services import media

    assert media.video_type(WEBM[:64]) == "webm"
    assert media.video_type(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") == "mp4"
    assert media.video_type(b"hello, I am a text file renamed to .mp4") is None
    video = _video(science, WEBM)
    assert video.mime == "video/webm" and video.size == len(WEBM)


def test_text_renamed_mp4_refused_and_nothing_stored(science, app):
    from webapp.core.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        _video(science, b"this is a text file called video.mp4\n" * 10)
    assert "MP4" in exc.value.fields["file"]
    folder = Path(app.config["UPLOAD_DIR"]) / "science-videos"
    assert not folder.exists() or not any(folder.iterdir())


def test_oversize_video_refused_without_being_stored(science, app, monkeypatch):
    from webapp.core.errors import ValidationError

    monkeypatch.setitem(app.config, "SCIENCE_VIDEO_MAX_BYTES", 10_000)
    with pytest.raises(ValidationError) as exc:
        _video(science, WEBM)
    assert "过大" in exc.value.fields["file"]
    folder = Path(app.config["UPLOAD_DIR"]) / "science-videos"
    assert not any(folder.iterdir())


def test_upload_page_refuses_a_renamed_text_file(science, client, login, post_form):
    login(client, science.author)
    page = client.get("/science/videos/new")
    assert page.status_code == 200
    resp = post_form(client, "/science/videos/new", {
        "title": "认识电视测试图", "category_id": str(science.category().id), "description": "", "tags": "",
        "transcript": "", "duration": "4",
        "file": (io.BytesIO(b"plain text pretending"), "video.mp4"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert "MP4 或 WebM" in resp.get_data(as_text=True)


@pytest.fixture
def published_video(science, db):
    from webapp.science import services

    video = _video(science, WEBM, duration=4, transcript="测试图由彩条组成")
    db.session.commit()
    services.submit(science.author, video)
    services.review(science.editor, video, "approve")
    db.session.commit()
    return video


def test_range_request_answers_206_with_content_range(published_video, client):
    url = f"/science/videos/{published_video.id}/media"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.data == WEBM and whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(WEBM)}"
    assert part.data == WEBM[100:1100]
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == WEBM[-50:]


def test_unsatisfiable_range_answers_416(published_video, client):
    resp = client.get(f"/science/videos/{published_video.id}/media", headers={"Range": f"bytes={len(WEBM) + 10}-"})
    assert resp.status_code == 416
    assert resp.headers["Content-Range"] == f"bytes */{len(WEBM)}"


def test_draft_video_media_is_hidden(science, client, db):
    video = _video(science, WEBM)
    db.session.commit()
    assert client.get(f"/science/videos/{video.id}/media").status_code == 404
    assert client.get(f"/api/v1/videos/{video.id}").status_code == 404


def test_video_api_carries_src_poster_duration_transcript(published_video, client):
    body = client.get(f"/api/v1/videos/{published_video.id}").get_json()
    assert body["src"] == f"/science/videos/{published_video.id}/media"
    assert body["duration"] == 4 and body["transcript"] == "测试图由彩条组成"
    assert body["poster"] is None and body["mime"] == "video/webm"
    listed = client.get("/api/v1/videos").get_json()
    assert [v["id"] for v in listed["items"]] == [published_video.id]
