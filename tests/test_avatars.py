"""Avatar upload on the edit-profile page: refused files show an error under the
field; a good image is stored as 256×256 and 64×64 WebP without metadata."""
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.web_helpers import field_error, html

UPLOAD_URL = "/account/profile/avatar"


def jpeg_with_exif(size=(400, 300), color=(30, 120, 200), make="SecretCam-9000"):
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    exif[0x0131] = "exif-software-marker"  # Software
    buf = io.BytesIO()
    image.save(buf, format="JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


def huge_png(width=20000, height=20000):
    """A valid 1-bit PNG of width×height pixels, built row by row so it stays cheap."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" + bytes((width + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def member(client, login, make_user):
    user = make_user("zhang")
    login(client, "zhang")
    return user


def upload(client, post_form, data, filename="avatar.jpg"):
    return post_form(client, UPLOAD_URL, {"avatar": (io.BytesIO(data), filename)},
                     content_type="multipart/form-data")


def stored_avatar_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "avatars"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def test_huge_png_fixture_really_is_huge():
    data = huge_png()
    assert len(data) < 200_000
    assert data[12:16] == b"IHDR" and struct.unpack(">II", data[16:24]) == (20000, 20000)
    zlib.decompressobj().decompress(data[41:41 + 1000])  # real compressed rows follow


def test_good_avatar_is_stored_small_and_without_exif(app, client, post_form, member, db):
    original = jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries EXIF
        assert check.getexif()[0x010F] == "SecretCam-9000"

    resp = upload(client, post_form, original)
    assert resp.status_code == 302 and resp.headers["Location"] == "/account/profile"
    db.session.refresh(member)
    key = member.avatar_key
    assert key
    assert stored_avatar_files(app) == [f"{key}-large.webp", f"{key}-small.webp"]
    for size_name, pixels in (("large", 256), ("small", 64)):
        path = Path(app.config["UPLOAD_DIR"]) / "avatars" / f"{key}-{size_name}.webp"
        raw = path.read_bytes()
        assert b"SecretCam" not in raw and b"exif-software-marker" not in raw
        with Image.open(path) as stored:
            assert stored.format == "WEBP"
            assert stored.size == (pixels, pixels)
            assert "exif" not in stored.info
            assert len(stored.getexif()) == 0

    page = html(client.get("/account/profile"))
    assert "头像已更新" in page and f"/avatars/{key}-large.webp" in page
    resp = client.get(f"/avatars/{key}-large.webp")
    assert resp.status_code == 200 and resp.mimetype == "image/webp"
    profile = html(client.get("/u/zhang"))
    assert f'src="/avatars/{key}-large.webp"' in profile
    assert f'src="/avatars/{key}-small.webp"' in profile  # the nav bar


def test_replacing_avatar_deletes_the_old_files(app, client, post_form, member, db):
    assert upload(client, post_form, jpeg_with_exif(color=(200, 0, 0))).status_code == 302
    db.session.refresh(member)
    first = member.avatar_key
    buf = io.BytesIO()
    Image.new("RGBA", (300, 500), (0, 200, 0, 128)).save(buf, format="PNG")
    assert upload(client, post_form, buf.getvalue(), "new.png").status_code == 302
    db.session.refresh(member)
    second = member.avatar_key
    assert second != first
    assert stored_avatar_files(app) == [f"{second}-large.webp", f"{second}-small.webp"]
    assert client.get(f"/avatars/{first}-large.webp").status_code == 404
    assert client.get(f"/avatars/{second}-small.webp").status_code == 200


def truncated_jpeg():
    data = jpeg_with_exif(size=(600, 600))
    return data[: len(data) // 2]


@pytest.mark.parametrize("make_data, filename, message", [
    (lambda: "这不是图片，只是一段文字。\n".encode() * 50, "avatar.jpg", "文件不是可识别的图片"),
    (huge_png, "huge.png", "图片尺寸过大"),
    (truncated_jpeg, "broken.jpg", "图片文件已损坏或不完整"),
    (lambda: b"GIF89a" + bytes(200), "anim.gif", "文件不是可识别的图片"),
    (lambda: b"", "empty.png", "文件为空"),
])
def test_bad_avatar_is_refused_under_the_field(app, client, post_form, member, db, make_data, filename, message):
    resp = upload(client, post_form, make_data(), filename)
    assert resp.status_code == 422
    page = html(resp)
    assert field_error(page, message), page
    assert 'id="avatar-form"' in page and 'name="display_name"' in page  # the whole page is shown again
    db.session.refresh(member)
    assert member.avatar_key is None
    assert stored_avatar_files(app) == []


def test_avatar_over_the_byte_limit_is_refused(app, client, post_form, member, db, monkeypatch):
    monkeypatch.setitem(app.config, "AVATAR_MAX_BYTES", 1024 * 1024)
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    buf = io.BytesIO()
    noise.save(buf, format="PNG")  # random pixels do not compress: well over 1 MB
    assert buf.tell() > 1024 * 1024
    resp = upload(client, post_form, buf.getvalue(), "big.png")
    assert resp.status_code == 422
    assert field_error(html(resp), "文件过大：不能超过 1 MB")
    db.session.refresh(member)
    assert member.avatar_key is None


def test_request_over_the_site_limit_is_413(app, client, post_form, member, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    resp = upload(client, post_form, bytes(100 * 1024))
    assert resp.status_code == 413
    assert "上传文件过大" in html(resp)


def test_missing_file_and_anonymous_upload(client, post_form, make_client, member):
    resp = post_form(client, UPLOAD_URL, {}, content_type="multipart/form-data")
    assert resp.status_code == 422 and field_error(html(resp), "请选择一张图片")
    anonymous = make_client()
    resp = upload(anonymous, post_form, jpeg_with_exif())
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["/avatars/abc-huge.webp", "/avatars/..-large.webp",
                                  "/avatars/deadbeef-large.webp"])
def test_avatar_route_404s(client, path):
    assert client.get(path).status_code == 404
