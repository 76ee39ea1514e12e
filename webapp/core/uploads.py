"""Upload checks and storage.

Images are opened with Pillow as real images (JPEG/PNG/WebP only), with byte-size and
pixel-count limits checked before decoding (a decompression bomb is refused), fully
decoded (a truncated file is refused), then re-encoded without metadata (EXIF dropped).
PDFs are recognised by content, not by name. Nothing is written until the check passes.
"""
import io
import os
import secrets
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from webapp.core.db import after_rollback
from webapp.core.errors import ValidationError
from webapp.extensions import db

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_SIZES = {"large": 256, "small": 64}
WRONG_IMAGE_FORMAT = "只接受 JPEG、PNG 或 WebP 格式的图片"
NOT_AN_IMAGE = "文件不是可识别的图片（只接受 JPEG、PNG 或 WebP）"
DOCUMENT_TYPES = "文件格式不支持：只接受 PDF 文件或 JPEG、PNG、WebP 图片"


class UploadError(ValidationError):
    pass


def _read_limited(stream, max_bytes):
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(f"文件过大：不能超过 {max_bytes // (1024 * 1024)} MB")
    if not data:
        raise UploadError("文件为空")
    return data


def open_image(data, max_pixels):
    """Open and fully decode an image from bytes, refusing anything unsafe or broken."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise UploadError(WRONG_IMAGE_FORMAT)
            width, height = probe.size
            if width * height > max_pixels:
                raise UploadError(f"图片尺寸过大（{width}×{height} 像素），请缩小后再上传")
            probe.verify()  # structural check; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # full decode: a truncated file fails here
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError("图片尺寸过大，请缩小后再上传") from None
    except UnidentifiedImageError:
        raise UploadError(NOT_AN_IMAGE) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise UploadError("图片文件已损坏或不完整，无法读取") from exc
    return image, fmt


def _square_thumbnail(image, size):
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    return ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)


def _upload_dir(kind):
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_avatar(stream):
    """Validate an uploaded avatar and store fixed-size WebP thumbnails.

    Returns the storage key (a random name without size suffix or extension).
    """
    cfg = current_app.config
    data = _read_limited(stream, cfg["AVATAR_MAX_BYTES"])
    image, _ = open_image(data, cfg["IMAGE_MAX_PIXELS"])
    key = secrets.token_hex(16)
    folder = _upload_dir("avatars")
    encoded = {}
    for name, size in AVATAR_SIZES.items():
        thumb = _square_thumbnail(image, size)
        buf = io.BytesIO()
        # Re-encoding from pixels keeps no EXIF, ICC or text chunks.
        thumb.save(buf, format="WEBP", quality=85, method=4)
        encoded[name] = buf.getvalue()
    for name, payload in encoded.items():
        _atomic_write(folder / f"{key}-{name}.webp", payload)
    return key


def avatar_path(key, size="large"):
    if size not in AVATAR_SIZES or not key or not key.isalnum():
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / "avatars" / f"{key}-{size}.webp"


def delete_avatar(key):
    for size in AVATAR_SIZES:
        path = avatar_path(key, size)
        if path and path.exists():
            path.unlink()


def _atomic_write(path, payload):
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)


def check_document(data):
    """Recognise a proof document by content: a PDF or a JPEG/PNG/WebP image.

    Returns (extension, mime type, bytes to store). Images are re-encoded without
    metadata; PDFs are stored as uploaded after a structural sanity check.
    """
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise UploadError("PDF 文件不完整或已损坏")
        return "pdf", "application/pdf", data
    try:
        image, fmt = open_image(data, current_app.config["IMAGE_MAX_PIXELS"])
    except UploadError as exc:
        if exc.message in (NOT_AN_IMAGE, WRONG_IMAGE_FORMAT):
            # A document may be a PDF too: say so, not "images only".
            raise UploadError(DOCUMENT_TYPES) from None
        raise
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=90)
    return "jpg", "image/jpeg", buf.getvalue()


def save_private_document(stream, kind="proofs"):
    """Validate and store a private document (e.g. a verification proof).

    Returns (key, mime). The file is served only through a permission-checked view.
    """
    data = _read_limited(stream, current_app.config["PROOF_MAX_BYTES"])
    ext, mime, payload = check_document(data)
    key = f"{secrets.token_hex(16)}.{ext}"
    path = _upload_dir(kind) / key
    # Stored for the action under way: removed again if its transaction rolls back.
    after_rollback(db.session(), lambda: path.unlink(missing_ok=True))
    _atomic_write(path, payload)
    return key, mime


def private_document_path(key, kind="proofs"):
    name = os.path.basename(key or "")
    if not name or name != key:
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / kind / name
