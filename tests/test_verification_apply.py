"""The real-name verification page (实名认证): applying with a proof document and an
optional resident ID number, reading the status and reject reasons, and the
permission-checked proof download."""
import io
import re

import pytest
from PIL import Image

from tests.pdf_samples import valid_pdf
from tests.web_helpers import field_error, html

URL = "/account/verification"
PDF = valid_pdf()


def valid_id_number():
    from webapp.core import idnumber

    first17 = "11010519491231002"
    return first17 + idnumber.check_digit(first17)


def bad_check_digit(number):
    digits = "0123456789X"
    return number[:17] + digits[(digits.index(number[17]) + 1) % len(digits)]


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (240, 240, 240)).save(buf, format="PNG")
    return buf.getvalue()


def application(proof=PDF, filename="proof.pdf", **overrides):
    data = {"real_name": "张伟", "organisation": "某省科学技术协会", "position": "副主席",
            "proof": (io.BytesIO(proof), filename)}
    data.update(overrides)
    return data


@pytest.fixture
def member(client, login, make_user):
    user = make_user("zhang")
    login(client, "zhang")
    return user


def apply(client, post_form, data):
    return post_form(client, URL, data, content_type="multipart/form-data")


def requests_of(user):
    from webapp.accounts.models import VerificationRequest

    return VerificationRequest.query.filter_by(user_id=user.id).all()


def test_page_shows_the_form(client, member):
    resp = client.get(URL)
    assert resp.status_code == 200
    page = html(resp)
    assert "申请实名认证" in page
    for name in ("real_name", "organisation", "position", "id_number", "proof"):
        assert f'name="{name}"' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_apply_with_pdf_proof(app, client, post_form, member):
    resp = apply(client, post_form, application())
    assert resp.status_code == 302 and resp.headers["Location"] == URL
    [req] = requests_of(member)
    assert (req.real_name, req.organisation, req.position) == ("张伟", "某省科学技术协会", "副主席")
    assert req.state == "pending" and req.proof_mime == "application/pdf"
    assert req.id_number_masked is None and req.id_number_hash is None
    page = html(client.get(URL))
    assert "认证申请已提交" in page
    assert 'id="pending-request"' in page and "待审核" in page
    assert 'id="verification-form"' not in page  # one pending application at a time

    resp = apply(client, post_form, application())
    assert resp.status_code == 409
    assert "您已有一份待审核的认证申请" in html(resp)
    assert len(requests_of(member)) == 1


def test_apply_with_image_proof(client, post_form, member):
    resp = apply(client, post_form, application(png_bytes(), "card.png"))
    assert resp.status_code == 302
    [req] = requests_of(member)
    assert req.proof_mime == "image/png"  # re-encoded without metadata, a PNG as a PNG
    resp = client.get(f"{URL}/{req.id}/proof")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert not resp.headers.get("Content-Disposition", "").startswith("attachment")
    with Image.open(io.BytesIO(resp.data)) as proof:
        assert proof.format == "PNG" and proof.size == (320, 200)


@pytest.mark.parametrize("proof, filename, message", [
    ("这是一段文字，不是证明材料。".encode() * 20, "proof.pdf", "文件格式不支持：只接受 PDF 文件或 JPEG、PNG、WebP 图片"),
    (b"%PDF-1.4\n1 0 obj << >> endobj\n", "cut.pdf", "PDF 文件无法解析或已损坏"),
    (b"", "empty.pdf", "文件为空"),
])
def test_bad_proof_is_refused(client, post_form, member, proof, filename, message):
    resp = apply(client, post_form, application(proof, filename))
    assert resp.status_code == 422
    assert field_error(html(resp), message)
    assert requests_of(member) == []


def test_missing_fields(client, post_form, member):
    resp = post_form(client, URL, {"real_name": "", "organisation": "", "position": ""},
                     content_type="multipart/form-data")
    assert resp.status_code == 422
    page = html(resp)
    for message in ("请填写真实姓名", "请填写工作单位", "请填写职务", "请上传证明材料（图片或 PDF）"):
        assert field_error(page, message), message
    assert requests_of(member) == []


def test_invalid_id_number_is_refused_and_not_echoed(client, post_form, member):
    wrong = bad_check_digit(valid_id_number())
    resp = apply(client, post_form, application(id_number=wrong))
    assert resp.status_code == 422
    page = html(resp)
    assert field_error(page, "身份证号码无效")
    assert wrong not in page
    assert requests_of(member) == []


def test_valid_id_number_is_stored_only_masked_and_hashed(app, client, post_form, member, db):
    from webapp.accounts.models import VerificationRequest
    from webapp.core import idnumber

    number = valid_id_number()
    # A re-render after another mistake does not send the number back either.
    resp = apply(client, post_form, application(id_number=number, real_name=""))
    assert resp.status_code == 422 and number not in html(resp)
    assert re.search(r'<input[^>]*name="id_number"[^>]*value=""', html(resp))

    resp = apply(client, post_form, application(id_number=f" {number[:6]} {number[6:]} "))
    assert resp.status_code == 302
    [req] = requests_of(member)
    assert req.id_number_masked == number[:1] + "*" * 16 + number[-1:]
    key = app.config["IDNUMBER_KEY"]
    assert req.id_number_hash == idnumber.digest(number, key) != number
    row = db.session.execute(db.select(VerificationRequest.__table__).where(
        VerificationRequest.__table__.c.id == req.id)).one()
    assert not any(number in str(value) or number[6:14] in str(value) for value in row)

    page = html(client.get(URL))
    assert req.id_number_masked in page
    assert number not in page and number[6:14] not in page


def test_reject_reason_and_approval_are_shown(client, post_form, member, make_staff, db):
    from webapp.accounts import services

    staff = make_staff("staffer")
    apply(client, post_form, application())
    [first] = requests_of(member)
    services.reject_verification(staff, first, "证明材料不清晰，请上传加盖公章的任职文件")
    page = html(client.get(URL))
    assert "未通过" in page and "证明材料不清晰，请上传加盖公章的任职文件" in page
    assert 'id="verification-form"' in page and "重新申请认证" in page

    assert apply(client, post_form, application(png_bytes(), "seal.png", position="主席")).status_code == 302
    second = services.pending_verification(member)
    services.approve_verification(staff, second)
    page = html(client.get(URL))
    assert "实名认证 · 张伟 · 主席" in page and "已通过" in page
    assert "证明材料不清晰" in page  # the history keeps the earlier decision
    assert "实名认证 · 张伟 · 主席" in html(client.get("/u/zhang"))


def test_proof_download_permissions(client, post_form, member, make_user, make_client, login, make_staff):
    apply(client, post_form, application())
    [req] = requests_of(member)
    proof_url = f"{URL}/{req.id}/proof"

    resp = client.get(proof_url)
    assert resp.status_code == 200
    assert resp.data == PDF
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]

    make_staff("staffer")
    make_user("other")
    staff_client, other_client = make_client(), make_client()
    login(staff_client, "staffer")
    login(other_client, "other")
    assert staff_client.get(proof_url).data == PDF
    assert other_client.get(proof_url).status_code == 404
    assert other_client.get(f"{URL}/{req.id + 100}/proof").status_code == 404
    resp = make_client().get(proof_url)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
