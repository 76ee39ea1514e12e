"""One policy for pages: services validate, forms render fields and carry CSRF."""
import inspect

import pytest

from webapp.core.errors import ValidationError


def _action_forms():
    from flask_wtf import FlaskForm

    from webapp.accounts import forms as account_forms
    from webapp.admin import forms as admin_forms
    from webapp.suggestions import forms as suggestion_forms
    from webapp.suggestions import forms_manage

    for module in (account_forms, admin_forms, suggestion_forms, forms_manage):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                yield name, cls


def test_forms_that_change_something_declare_no_validators(app):
    """Every check of a posted form is the service's (GET filters may drop what they do not know)."""
    checked = 0
    with app.test_request_context():
        for name, cls in _action_forms():
            form = cls(meta={"csrf": False})
            if not getattr(cls.Meta, "csrf", True):
                continue  # a GET filter
            for field in form:
                assert not field.validators, f"{name}.{field.name} validates: the service should"
            checked += 1
    assert checked >= 15


def test_services_check_the_repeated_password(app, db, make_user):
    from webapp.accounts import services

    with pytest.raises(ValidationError) as exc:
        services.register_user("repeat1", "repeat1@example.org", "Correct-Horse-42", "重复", password_confirm="x")
    assert exc.value.fields["password_confirm"] == "两次输入的密码不一致"
    with pytest.raises(ValidationError) as exc:
        services.register_user("repeat2", "repeat2@example.org", "Correct-Horse-42", "重复", password_confirm="")
    assert exc.value.fields["password_confirm"] == "请填写确认密码"
    user = make_user(username="repeat3")
    with pytest.raises(ValidationError) as exc:
        services.change_password(user, "", "", "")
    assert exc.value.fields == {"current_password": "请填写当前密码", "new_password": "请填写新密码",
                                "new_password_confirm": "请填写确认新密码"}
    with pytest.raises(ValidationError) as exc:
        services.authenticate("", "", ip="127.0.0.9")
    assert exc.value.fields == {"username": "请填写用户名或邮箱", "password": "请填写密码"}


def test_services_check_reasons_positions_and_missing_files(app, db, make_user, make_staff, suggestion_lists):
    from webapp.accounts import services as accounts
    from webapp.accounts.models import REASON_MAX
    from webapp.suggestions import services

    staff, member = make_staff(username="policy_staff"), make_user(username="policy_member")
    with pytest.raises(ValidationError) as exc:
        accounts.suspend_user(staff, member, "理" * (REASON_MAX + 1))
    assert list(exc.value.fields) == ["reason"] and not member.is_suspended
    with pytest.raises(ValidationError) as exc:
        accounts.set_avatar(member, None)
    assert exc.value.fields == {"avatar": "请选择一张图片"}
    for position in ("第一", "12345", -1, "1.5"):
        with pytest.raises(ValidationError) as exc:
            services.save_category(staff, "新的分类", position=position)
        assert exc.value.fields == {"position": "顺序应为 0–9999 的整数"}, position
    with pytest.raises(ValidationError) as exc:
        services.save_category(staff, "", position="x")
    assert exc.value.fields == {"name": "必填", "position": "顺序应为 0–9999 的整数"}
    assert services.save_category(staff, "新的分类", position=" 7 ").position == 7
