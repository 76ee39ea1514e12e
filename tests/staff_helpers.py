"""Helpers for the staff, roles and notification tests."""
import pytest

ID_NUMBER = "11010519491231002X"  # a valid check digit; only its masked form is ever stored


def html(resp):
    return resp.get_data(as_text=True)


@pytest.fixture
def signed_in(make_client, login):
    """signed_in(user) → a fresh test client logged in as `user` through the login page."""

    def _signed_in(user):
        client = make_client()
        resp = login(client, user)
        assert resp.status_code == 302, "login failed"
        return client

    return _signed_in


@pytest.fixture
def make_verification(db):
    """make_verification(user, real_name=..., ...) → a pending VerificationRequest row.

    Built directly (the apply page is tested with the account pages).
    """
    from webapp.accounts.models import VerificationRequest
    from webapp.core import idnumber

    def _make(user, real_name="王建国", organisation="中国科学院物理研究所", position="研究员",
              id_number=ID_NUMBER, **fields):
        req = VerificationRequest(
            user_id=user.id, real_name=real_name, organisation=organisation, position=position,
            id_number_masked=idnumber.mask(id_number) if id_number else None,
            id_number_hash=idnumber.stored_digest(id_number) if id_number else None,
            proof_key="x.pdf", proof_mime="application/pdf", **fields,
        )
        db.session.add(req)
        db.session.commit()
        return req

    return _make
