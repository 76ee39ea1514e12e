"""Pictures and videos of the science hub.

Covers, posters and base photos are checked by `core.uploads` (Pillow) and stored as
thumbnails in several widths, each as WebP and as a JPEG fallback (`<picture>`).

Videos are MP4 or WebM, recognised by their bytes (an `ftyp` box, or an EBML header whose
DocType is webm), never by the file name. The upload is copied in chunks into a staging
file — never held whole in memory — and refused, and removed, as soon as it passes the
size limit; it is moved into place once the action commits. They are served by
`send_file(conditional=True)`, which answers Range requests (206 / 416) streaming in chunks.
"""
import io
import os
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps

from webapp.core import uploads
from webapp.core.db import after_commit, after_rollback
from webapp.core.errors import ValidationError
from webapp.extensions import db

IMAGE_KIND = "science-images"
VIDEO_KIND = "science-videos"
IMAGE_WIDTHS = {"large": 1200, "medium": 640, "small": 320}
IMAGE_FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
CHUNK = 1024 * 1024
NOT_A_VIDEO = "文件不是 MP4 或 WebM 视频（按文件内容识别）"


def folder(kind):
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------- images

def save_cover(stream):
    """Check an uploaded picture and store its thumbnails; returns the key."""
    data = uploads._read_limited(stream, current_app.config["SCIENCE_IMAGE_MAX_BYTES"])
    image, _ = uploads.open_image(data, current_app.config["IMAGE_MAX_PIXELS"])
    image = uploads.pixels_only(ImageOps.exif_transpose(image), alpha=False)
    key = secrets.token_hex(16)
    target = folder(IMAGE_KIND)
    for size, width in IMAGE_WIDTHS.items():
        thumb = image
        if image.width > width:
            thumb = image.resize((width, max(1, round(image.height * width / image.width))),
                                 Image.Resampling.LANCZOS)
        for ext, (fmt, _mime) in IMAGE_FORMATS.items():
            buf = io.BytesIO()
            thumb.save(buf, format=fmt, quality=82)
            uploads.store(target / f"{key}-{size}.{ext}", buf.getvalue())
    return key


def image_path(key, size, ext):
    if size not in IMAGE_WIDTHS or ext not in IMAGE_FORMATS or not key or not key.isalnum():
        return None
    return uploads.stored_file(Path(current_app.config["UPLOAD_DIR"]) / IMAGE_KIND / f"{key}-{size}.{ext}")


def image_mime(ext):
    return IMAGE_FORMATS[ext][1]


# ---------------------------------------------------------------- videos

def video_type(head):
    """'mp4' or 'webm' from a file's first bytes, or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "webm"
    return None


def save_video(stream):
    """Copy an uploaded video into a staging file, checking its type and size as it goes.

    Returns (key, mime, size). Nothing is left behind on refusal.
    """
    limit = current_app.config["SCIENCE_VIDEO_MAX_BYTES"]
    head = stream.read(64)
    if not head:
        raise ValidationError("文件为空", fields={"file": "文件为空"})
    ext = video_type(head)
    if ext is None:
        raise ValidationError(NOT_A_VIDEO, fields={"file": NOT_A_VIDEO})
    key = f"{secrets.token_hex(16)}.{ext}"
    final = folder(VIDEO_KIND) / key
    staged = uploads.staging_path(final)
    size = len(head)
    try:
        with open(staged, "wb") as out:
            out.write(head)
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationError(fields={"file": f"视频过大：不能超过 {limit // (1024 * 1024)} MB"})
                out.write(chunk)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    session = db.session()
    after_commit(session, lambda: os.replace(staged, final))
    after_rollback(session, lambda: staged.unlink(missing_ok=True))
    return key, VIDEO_TYPES[ext], size


def video_path(key):
    name = os.path.basename(key or "")
    if not name or name != key:
        return None
    return uploads.stored_file(Path(current_app.config["UPLOAD_DIR"]) / VIDEO_KIND / name)


def referenced_images(names):
    from webapp.science.models import Article, ScienceBase, Video

    keys = {n.split("-", 1)[0] for n in names}
    used = set()
    for column in (Article.cover_key, Video.poster_key, ScienceBase.photo_key):
        used |= {k for (k,) in db.session.query(column).filter(column.in_(keys))}
    return [n for n in names if n.split("-", 1)[0] in used]


def referenced_videos(names):
    from webapp.science.models import Video

    return [k for (k,) in db.session.query(Video.file_key).filter(Video.file_key.in_(list(names)))]
