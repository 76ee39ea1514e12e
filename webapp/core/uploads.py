"""Upload checks and storage.

Images are opened with Pillow as real images (JPEG/PNG/WebP only), with byte-size and
pixel-count limits checked before decoding (a decompression bomb is refused), fully
decoded (a truncated file is refused), then re-encoded from their pixels alone: no
comment, EXIF, XMP, ICC profile or text chunk survives. PNGs stay PNGs (and keep their
transparency), WebPs with transparency become PNGs, everything else becomes JPEG.

PDFs are recognised by content and parsed with pypdf: one that does not parse, has no
page, is encrypted, or carries JavaScript, automatic or launch actions or embedded files
is refused. Nothing is written until the check passes.

Files are written under a staging name (`<name>.part`) and moved into place only once
the action's transaction commits, and removed if it rolls back, so a process killed in
between leaves only a staging file, which `flask uploads sweep` removes (with any stored
file that no row names).
"""
import io
import os
import secrets
import time
import warnings
from pathlib import Path

import click
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from webapp.core.db import after_commit, after_rollback
from webapp.core.errors import ValidationError
from webapp.core.uow import transactional
from webapp.extensions import db

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
AVATAR_SIZES = {"large": 256, "small": 64}
STAGING_SUFFIX = ".part"
# Files older than this without a row (and staging files this old) are left-overs.
SWEEP_AGE = 3600
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


# ---------------------------------------------------------------- images

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


def _has_alpha(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def pixels_only(image, alpha):
    """A new image holding only `image`'s pixels (RGB/RGBA/L): its `info` — where Pillow
    keeps the comment, EXIF, XMP, ICC profile and PNG text it writes back on save — is empty."""
    mode = "RGBA" if alpha else ("L" if image.mode in ("1", "L", "I", "I;16", "F") else "RGB")
    if image.mode != mode:
        image = image.convert(mode)
    return Image.frombytes(mode, image.size, image.tobytes())


def _square_thumbnail(image, size):
    image = ImageOps.exif_transpose(image)
    image = pixels_only(image, _has_alpha(image))
    return ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)


def _encode_image(image, fmt):
    """(extension, mime, bytes) of `image` re-encoded from its pixels alone."""
    image = ImageOps.exif_transpose(image)
    keep_png = fmt == "PNG" or (fmt == "WEBP" and _has_alpha(image))
    clean = pixels_only(image, alpha=keep_png and _has_alpha(image))
    buf = io.BytesIO()
    if keep_png:
        clean.save(buf, format="PNG", compress_level=3)  # level 6 took 3x longer on photos here
        return "png", "image/png", buf.getvalue()
    clean.save(buf, format="JPEG", quality=90)
    return "jpg", "image/jpeg", buf.getvalue()


# ---------------------------------------------------------------- PDFs

# Names whose presence makes a PDF act on its own or carry other files: JavaScript, actions
# run on opening a page or a field (/AA), launching programs, embedded or attached files,
# XFA forms (which carry scripts) and rich media.
_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia"}
_FORBIDDEN_VALUES = {"/JavaScript", "/Launch", "/FileAttachment", "/EmbeddedFile", "/RichMedia"}
_PDF_MAX_OBJECTS = 200_000


def _pdf_problem(data):
    """Why the bytes are not a harmless PDF (a Chinese message), or None."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about what it repairs; we judge the result
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                return "不接受加密的 PDF 文件，请上传未加密的文件"
            if len(reader.pages) == 0:
                return "PDF 文件没有任何页面"
            # Walk every object reachable from the trailer, without recursion (a deep
            # nesting must not overflow the stack) and each indirect object once.
            seen = set()
            todo = [reader.trailer]
            walked = 0
            while todo:
                obj = todo.pop()
                if isinstance(obj, IndirectObject):
                    ref = (obj.idnum, obj.generation)
                    if ref in seen:
                        continue
                    seen.add(ref)
                    obj = obj.get_object()
                walked += 1
                if walked > _PDF_MAX_OBJECTS:
                    return "PDF 文件结构过于复杂，无法检查"
                if isinstance(obj, DictionaryObject):
                    for key, value in obj.items():
                        if key in _FORBIDDEN_KEYS:
                            return _pdf_refusal(key)
                        # /Parent too: a widget's parent field may carry actions reachable only that way
                        todo.append(value)
                elif isinstance(obj, ArrayObject):
                    todo.extend(obj)
                elif isinstance(obj, NameObject) and obj in _FORBIDDEN_VALUES:
                    return _pdf_refusal(obj)
        except RecursionError:
            return "PDF 文件结构过于复杂，无法检查"
        except Exception:  # pypdf raises many kinds on hostile input; all mean "not a PDF we accept"
            return "PDF 文件无法解析或已损坏，请上传有效的 PDF 文件"
    return None


def _pdf_refusal(name):
    if name in ("/JS", "/JavaScript", "/AA", "/XFA"):
        return "PDF 文件包含脚本或自动执行的动作，出于安全考虑不予接受"
    if name == "/Launch":
        return "PDF 文件包含启动外部程序的动作，出于安全考虑不予接受"
    return "PDF 文件包含嵌入的文件或媒体，出于安全考虑不予接受"


def check_pdf(data):
    """Refuse a PDF that does not parse, has no page, or could act or carry files."""
    problem = _pdf_problem(data)
    if problem:
        raise UploadError(problem)


def check_document(data):
    """Recognise a document by content: a PDF or a JPEG/PNG/WebP image.

    Returns (extension, mime type, bytes to store). Images are re-encoded without any
    metadata; PDFs are stored as uploaded once pypdf has parsed and inspected them.
    """
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return "pdf", "application/pdf", data
    try:
        image, fmt = open_image(data, current_app.config["IMAGE_MAX_PIXELS"])
    except UploadError as exc:
        if exc.message in (NOT_AN_IMAGE, WRONG_IMAGE_FORMAT):
            # A document may be a PDF too: say so, not "images only".
            raise UploadError(DOCUMENT_TYPES) from None
        raise
    return _encode_image(image, fmt)


# ---------------------------------------------------------------- storage

def _upload_dir(kind):
    path = Path(current_app.config["UPLOAD_DIR"]) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def staging_path(path):
    return path.with_name(path.name + STAGING_SUFFIX)


def store(path, payload):
    """Write `payload` for the action under way: under its staging name now, moved to
    `path` once the transaction commits, removed if it rolls back."""
    staged = staging_path(path)
    staged.write_bytes(payload)
    session = db.session()
    after_commit(session, lambda: os.replace(staged, path))
    after_rollback(session, lambda: staged.unlink(missing_ok=True))


def stored_file(path):
    """The file to serve for `path`: the file itself or, in the moment between the commit
    and its move into place, its staging file; None if neither exists."""
    if path is None:
        return None
    if path.exists():
        return path
    staged = staging_path(path)
    return staged if staged.exists() else None


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
        thumb.save(buf, format="WEBP", quality=85, method=4)
        encoded[name] = buf.getvalue()
    for name, payload in encoded.items():
        store(folder / f"{key}-{name}.webp", payload)
    return key


def avatar_path(key, size="large"):
    if size not in AVATAR_SIZES or not key or not key.isalnum():
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / "avatars" / f"{key}-{size}.webp"


def avatar_key_of(filename):
    """The avatar key a stored file name belongs to, or None."""
    for size in AVATAR_SIZES:
        suffix = f"-{size}.webp"
        if filename.endswith(suffix):
            return filename.removesuffix(suffix)
    return None


def delete_avatar(key):
    for size in AVATAR_SIZES:
        path = avatar_path(key, size)
        if path and path.exists():
            path.unlink()


def save_private_document(stream, kind="proofs"):
    """Validate and store a private document (e.g. a verification proof).

    Returns (key, mime). The file is served only through a permission-checked view.
    """
    data = _read_limited(stream, current_app.config["PROOF_MAX_BYTES"])
    ext, mime, payload = check_document(data)
    key = f"{secrets.token_hex(16)}.{ext}"
    store(_upload_dir(kind) / key, payload)
    return key, mime


def private_document_path(key, kind="proofs"):
    name = os.path.basename(key or "")
    if not name or name != key:
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / kind / name


def download_headers(response):
    """Headers for a user's file sent as a download: never rendered by the browser as a
    page of ours (no sniffing, and sandboxed should it be opened anyway)."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# ---------------------------------------------------------------- sweeping left-overs

def register_store(app, kind, referenced):
    """Declare the folder `kind` under UPLOAD_DIR: `referenced(names)` returns the subset of
    the file names that a row still names. `flask uploads sweep` only touches declared folders."""
    app.extensions.setdefault("upload_stores", {})[kind] = referenced


def sweep(now=None, older_than=SWEEP_AGE):
    """Remove the files without a row and the staging files older than `older_than` seconds.

    A staging file whose row exists (the process stopped between the commit and the move)
    is moved into place instead. Returns [(action, path)].
    """
    now = time.time() if now is None else now
    done = []
    root = Path(current_app.config["UPLOAD_DIR"])
    for kind, referenced in sorted(current_app.extensions.get("upload_stores", {}).items()):
        folder = root / kind
        if not folder.is_dir():
            continue
        old = [p for p in folder.iterdir() if p.is_file() and now - p.stat().st_mtime > older_than]
        names = sorted({p.name.removesuffix(STAGING_SUFFIX) for p in old})
        in_use = set()
        for start in range(0, len(names), 500):  # a bounded IN list per query
            in_use |= set(referenced(names[start:start + 500]))
        for path in sorted(old):
            final = path.name.removesuffix(STAGING_SUFFIX)
            if path.name.endswith(STAGING_SUFFIX) and final in in_use and not (folder / final).exists():
                os.replace(path, folder / final)
                done.append(("completed", folder / final))
            elif path.name.endswith(STAGING_SUFFIX) or final not in in_use:
                path.unlink(missing_ok=True)
                done.append(("removed", path))
    return done


@click.group("uploads", help="Stored files (avatars, proofs, attachments).")
def uploads_cli():
    pass


@uploads_cli.command("sweep")
@click.option("--older-than", type=int, default=SWEEP_AGE, show_default=True,
              help="Only files at least this many seconds old.")
@transactional
def sweep_command(older_than):
    """Remove stored files no row names and stale staging files (safe to run from cron)."""
    done = sweep(older_than=older_than)
    for action, path in done:
        click.echo(f"{action} {path}")
    removed = sum(1 for action, _ in done if action == "removed")
    click.echo(f"Removed {removed} file{'s' if removed != 1 else ''}.")


def init_app(app):
    app.cli.add_command(uploads_cli)
