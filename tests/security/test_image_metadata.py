"""Issue 10, finding 8: nothing but pixels survives the re-encoding of an uploaded image.

An image carrying a `<script>` JPEG comment, EXIF, XMP, an ICC profile and PNG text chunks
goes through every surface that takes images — suggestion attachments (page and API),
verification proofs, avatars — and the bytes stored on disk are inspected, not only what
Pillow reports in `.info`.
"""
import io
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from tests.web_helpers import html

SCRIPT = b"<script>alert(document.cookie)</script>"
EXIF_MARKER = "exif-marker-SecretCam"
XMP_MARKER = "xmp-marker-GPS-39.9042"
TEXT_MARKER = "png-text-marker"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b"<rdf:Description>" + XMP_MARKER.encode() + b"</rdf:Description></rdf:RDF></x:xmpmeta>")
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _exif():
    exif = Image.Exif()
    exif[0x010F] = EXIF_MARKER  # Make
    exif[0x0131] = EXIF_MARKER  # Software
    return exif.tobytes()


def tainted_jpeg():
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (20, 120, 200)).save(buf, "JPEG", comment=SCRIPT, exif=_exif(), icc_profile=ICC,
                                                     xmp=XMP)
    return buf.getvalue()


def tainted_png():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_text("Author", TEXT_MARKER, zip=True)  # zTXt
    info.add_itxt("Description", TEXT_MARKER + " 说明")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buf = io.BytesIO()
    Image.new("RGBA", (120, 90), (20, 120, 200, 128)).save(buf, "PNG", pnginfo=info, icc_profile=ICC, exif=_exif())
    return buf.getvalue()


def tainted_webp():
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (20, 120, 200)).save(buf, "WEBP", exif=_exif(), icc_profile=ICC, xmp=XMP)
    return buf.getvalue()


SAMPLES = {"jpeg": (tainted_jpeg, "照片.jpg"), "png": (tainted_png, "截图.png"), "webp": (tainted_webp, "图.webp")}


def test_the_samples_really_carry_everything():
    jpeg, png, webp = tainted_jpeg(), tainted_png(), tainted_webp()
    assert SCRIPT in jpeg and EXIF_MARKER.encode() in jpeg and XMP_MARKER.encode() in jpeg
    assert b"ICC_PROFILE" in jpeg
    assert SCRIPT in png and b"zTXt" in png and b"iTXt" in png and b"iCCP" in png and b"eXIf" in png
    assert XMP_MARKER.encode() in png
    assert b"EXIF" in webp and b"XMP " in webp and b"ICCP" in webp


def assert_pixels_only(data):
    """The stored bytes hold no trace of the metadata."""
    for needle in (SCRIPT, b"<script", EXIF_MARKER.encode(), XMP_MARKER.encode(), TEXT_MARKER.encode(),
                   b"xmpmeta", b"http://ns.adobe.com", b"ICC_PROFILE", b"Exif\x00\x00"):
        assert needle not in data, needle
    with Image.open(io.BytesIO(data)) as image:
        fmt = image.format
        assert not {"comment", "exif", "xmp", "icc_profile", "XML:com.adobe.xmp", "Comment", "Author",
                    "Description"} & set(image.info), image.info.keys()
        assert not image.getexif()
    if fmt == "PNG":
        assert not any(chunk in data for chunk in (b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf"))
    if fmt == "WEBP":
        assert not any(chunk in data for chunk in (b"EXIF", b"XMP ", b"ICCP"))


def files_in(app, kind):
    folder = Path(app.config["UPLOAD_DIR"]) / kind
    return [p for p in folder.iterdir()] if folder.exists() else []


@pytest.mark.parametrize("sample", SAMPLES)
def test_suggestion_attachment_page_and_api(app, client, login, make_member, suggestion_lists, auth_headers, sample):
    make, name = SAMPLES[sample]
    author = make_member("img_author")
    data = {"title": "关于图片元数据的测试建议", "body": "这是一条用来检查附件图片元数据是否被清除的建议正文。",
            "category_id": str(suggestion_lists["categories"][0].id), "addressee_id": "", "visibility": "public",
            "attachments": [(io.BytesIO(make()), name)]}
    resp = client.post("/api/v1/suggestions", data=data, content_type="multipart/form-data",
                       headers=auth_headers(author))
    assert resp.status_code == 201, resp.get_json()
    [attachment] = resp.get_json()["attachments"]
    [stored] = files_in(app, "suggestions")
    assert not stored.name.endswith(".part")
    assert_pixels_only(stored.read_bytes())
    login(client, "img_author")  # not public before staff accept it: its author fetches it
    served = client.get(attachment["url"])
    assert served.status_code == 200
    assert_pixels_only(served.data)
    # A PNG keeps its transparency (re-encoded as PNG); a JPEG stays a JPEG.
    expected = {"jpeg": "JPEG", "png": "PNG", "webp": "JPEG"}[sample]
    with Image.open(stored) as image:
        assert image.format == expected
        if sample == "png":
            assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 128


@pytest.mark.parametrize("sample", SAMPLES)
def test_suggestion_attachment_html_form(app, client, login, post_form, make_member, suggestion_lists, sample):
    make, name = SAMPLES[sample]
    make_member("img_writer")
    login(client, "img_writer")
    data = {"title": "关于图片元数据的测试建议", "body": "这是一条用来检查附件图片元数据是否被清除的建议正文。",
            "category_id": str(suggestion_lists["categories"][0].id), "addressee_id": "", "visibility": "public",
            "attachments": [(io.BytesIO(make()), name)]}
    resp = post_form(client, "/suggestions/new", data, content_type="multipart/form-data")
    assert resp.status_code == 302, html(resp)
    [stored] = files_in(app, "suggestions")
    assert_pixels_only(stored.read_bytes())


@pytest.mark.parametrize("sample", SAMPLES)
def test_verification_proof(app, client, login, post_form, make_member, sample):
    make, name = SAMPLES[sample]
    make_member("img_applicant")
    login(client, "img_applicant")
    resp = post_form(client, "/account/verification", {
        "real_name": "张三", "organisation": "某研究所", "position": "研究员", "id_number": "",
        "proof": (io.BytesIO(make()), name)}, content_type="multipart/form-data")
    assert resp.status_code == 302, html(resp)
    [stored] = files_in(app, "proofs")
    assert_pixels_only(stored.read_bytes())


@pytest.mark.parametrize("sample", SAMPLES)
def test_avatar(app, client, login, post_form, make_member, sample):
    make, name = SAMPLES[sample]
    user = make_member("img_avatar")
    login(client, "img_avatar")
    resp = post_form(client, "/account/profile/avatar", {"avatar": (io.BytesIO(make()), name)},
                     content_type="multipart/form-data")
    assert resp.status_code == 302, html(resp)
    stored = files_in(app, "avatars")
    assert len(stored) == 2
    for path in stored:
        assert_pixels_only(path.read_bytes())
    assert_pixels_only(client.get(f"/avatars/{user.avatar_key}-small.webp").data)
