"""Issue 10, finding 7: a PDF is parsed (pypdf), not recognised by its first and last bytes.

HTML or garbage behind a `%PDF-` header, a PDF without pages, and PDFs that carry
JavaScript, automatic actions, launch actions or embedded files are refused with a clear
Chinese error on every surface (suggestion form, suggestion API, verification form), and
nothing is stored. A user's PDF that is accepted is served as a sandboxed download.
"""
import io
from pathlib import Path

import pytest

from tests import pdf_samples as samples
from tests.web_helpers import field_error, html
from webapp.core.uploads import UploadError, check_document

HOSTILE = {
    "html with a pdf header": (lambda: samples.HTML_WITH_PDF_HEADER, "无法解析"),
    "garbage": (lambda: samples.GARBAGE_PDF, "无法解析"),
    "catalogue without pages": (lambda: samples.CATALOGUE_ONLY_PDF, "PDF 文件"),
    "zero pages": (samples.zero_page_pdf, "没有任何页面"),
    "open action javascript": (samples.open_action_js_pdf, "脚本"),
    "document-level javascript": (samples.names_javascript_pdf, "脚本"),
    "page additional action": (samples.page_aa_pdf, "脚本"),
    "hex-escaped name": (samples.hex_escaped_js_pdf, "脚本"),
    "script on a parent form field": (samples.parent_field_action_pdf, "脚本"),
    "launch action": (samples.launch_pdf, "启动外部程序"),
    "embedded file": (samples.embedded_file_pdf, "嵌入的文件"),
    "file attachment annotation": (samples.file_attachment_annotation_pdf, "嵌入的文件"),
}


def test_a_real_pdf_is_accepted_as_it_is(app):
    data = samples.valid_pdf()
    assert check_document(data) == ("pdf", "application/pdf", data)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pdf_is_refused(app, name):
    make, message = HOSTILE[name]
    data = make()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]  # what the old check looked at
    with pytest.raises(UploadError) as exc:
        check_document(data)
    assert message in exc.value.message


def stored(app, kind):
    folder = Path(app.config["UPLOAD_DIR"]) / kind
    return list(folder.iterdir()) if folder.exists() else []


def submission(suggestion_lists, data, name="材料.pdf"):
    return {"title": "关于上传材料检查的测试建议", "body": "这是一条用来检查上传的 PDF 附件是否被解析的建议正文。",
            "category_id": str(suggestion_lists["categories"][0].id), "addressee_id": "", "visibility": "public",
            "attachments": [(io.BytesIO(data), name)]}


@pytest.mark.parametrize("name", ["html with a pdf header", "zero pages", "open action javascript",
                                  "embedded file", "launch action"])
def test_api_refuses_with_the_error_envelope(app, client, make_member, auth_headers, suggestion_lists, name):
    make, message = HOSTILE[name]
    author = make_member("pdf_api")
    resp = client.post("/api/v1/suggestions", data=submission(suggestion_lists, make()),
                       content_type="multipart/form-data", headers=auth_headers(author))
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert list(error["fields"]) == ["attachments"] and message in error["fields"]["attachments"]
    assert "材料.pdf" in error["message"]
    assert stored(app, "suggestions") == []


@pytest.mark.parametrize("name", ["garbage", "document-level javascript", "file attachment annotation"])
def test_suggestion_form_refuses_under_the_field(app, client, login, post_form, make_member, suggestion_lists, name):
    make, message = HOSTILE[name]
    make_member("pdf_form")
    login(client, "pdf_form")
    resp = post_form(client, "/suggestions/new", submission(suggestion_lists, make()),
                     content_type="multipart/form-data")
    assert resp.status_code == 422
    assert message in html(resp)
    assert stored(app, "suggestions") == []


@pytest.mark.parametrize("name", ["html with a pdf header", "page additional action", "embedded file"])
def test_verification_form_refuses_under_the_field(app, client, login, post_form, make_member, name):
    make, message = HOSTILE[name]
    make_member("pdf_proof")
    login(client, "pdf_proof")
    resp = post_form(client, "/account/verification", {
        "real_name": "张三", "organisation": "某研究所", "position": "研究员", "id_number": "",
        "proof": (io.BytesIO(make()), "proof.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    page = html(resp)
    assert message in page and field_error(page, "PDF 文件")
    assert stored(app, "proofs") == []


def assert_sandboxed_download(resp, data):
    assert resp.status_code == 200 and resp.data == data
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["Content-Security-Policy"] == "sandbox"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_accepted_attachment_pdf_is_a_sandboxed_download(app, client, login, make_member, auth_headers,
                                                         suggestion_lists):
    author = make_member("pdf_ok")
    data = samples.valid_pdf()
    resp = client.post("/api/v1/suggestions", data=submission(suggestion_lists, data),
                       content_type="multipart/form-data", headers=auth_headers(author))
    assert resp.status_code == 201, resp.get_json()
    [attachment] = resp.get_json()["attachments"]
    login(client, "pdf_ok")  # not public before staff accept it: its author fetches it
    assert_sandboxed_download(client.get(attachment["url"]), data)


def test_accepted_proof_pdf_is_a_sandboxed_download(app, client, login, post_form, make_member):
    from webapp.accounts.models import VerificationRequest

    make_member("pdf_proof_ok")
    login(client, "pdf_proof_ok")
    data = samples.valid_pdf()
    resp = post_form(client, "/account/verification", {
        "real_name": "张三", "organisation": "某研究所", "position": "研究员", "id_number": "",
        "proof": (io.BytesIO(data), "proof.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    req = VerificationRequest.query.one()
    assert_sandboxed_download(client.get(f"/account/verification/{req.id}/proof"), data)
