"""Account forms: they render the fields and carry the CSRF token.

Every check — required fields, the repeated password, strength, unique names, uploads —
is the services' (accounts.services), and comes back as ServiceError fields that
`core.forms.show_service_error` puts under these fields.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TextAreaField

from webapp.core.forms import OneTimeSubmission

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class LoginForm(FlaskForm):
    username = StringField("用户名或邮箱",
                           render_kw={"required": True, "autocomplete": "username", "autofocus": True})
    password = PasswordField("密码",
                             render_kw={"required": True, "autocomplete": "current-password"})
    remember = BooleanField("记住我")
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField("用户名",
                           render_kw={"required": True, "autocomplete": "username", "maxlength": 32})
    email = EmailField("电子邮箱", render_kw={"required": True, "autocomplete": "email"})
    display_name = StringField("显示名称",
                               render_kw={"required": True, "autocomplete": "nickname", "maxlength": 64})


class CompleteRegistrationForm(OneTimeSubmission, FlaskForm):
    """The second step of registration, reached by the e-mailed link."""

    display_name = StringField("显示名称",
                               render_kw={"required": True, "autocomplete": "nickname", "maxlength": 64})
    password = PasswordField("密码", render_kw={"required": True, "autocomplete": "new-password"})
    password_confirm = PasswordField("确认密码",
                                     render_kw={"required": True, "autocomplete": "new-password"})
    accept_terms = BooleanField("我已阅读并同意用户协议和隐私政策", render_kw={"required": True})


class LoginLinkForm(FlaskForm):
    """The button that uses up a one-time login link (it carries only the CSRF token)."""


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码",
                                     render_kw={"required": True, "autocomplete": "current-password"})
    new_password = PasswordField("新密码",
                                 render_kw={"required": True, "autocomplete": "new-password"})
    new_password_confirm = PasswordField("确认新密码",
                                         render_kw={"required": True, "autocomplete": "new-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField("注册时使用的电子邮箱",
                       render_kw={"required": True, "autocomplete": "email", "autofocus": True})


class ResetPasswordForm(FlaskForm):
    password = PasswordField("新密码", render_kw={"required": True, "autocomplete": "new-password"})
    password_confirm = PasswordField("确认新密码",
                                     render_kw={"required": True, "autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    display_name = StringField("显示名称", render_kw={"required": True, "maxlength": 64})
    institution = StringField("工作单位", render_kw={"maxlength": 128})
    discipline_tags = StringField("学科标签")
    bio = TextAreaField("个人简介", render_kw={"rows": 6, "maxlength": 2000})
    birth_year = StringField("出生年份（选填）", render_kw={"inputmode": "numeric", "maxlength": 4})


class SettingsForm(FlaskForm):
    email_notifications = BooleanField("通过电子邮件通知我：我的建议有了答复、有建议交办给我")


class AvatarForm(FlaskForm):
    # The file type is judged by content in core.uploads, not by the name's extension.
    avatar = FileField("选择头像图片",
                       render_kw={"required": True, "accept": IMAGE_ACCEPT})


class VerificationForm(OneTimeSubmission, FlaskForm):
    real_name = StringField("真实姓名",
                            render_kw={"required": True, "autocomplete": "name", "maxlength": 64})
    organisation = StringField("工作单位",
                               render_kw={"required": True, "autocomplete": "organization", "maxlength": 128})
    position = StringField("职务 / 职称", render_kw={"required": True, "maxlength": 128})
    id_number = StringField("居民身份证号（选填）",
                            render_kw={"autocomplete": "off", "maxlength": 18, "inputmode": "text"})
    proof = FileField("证明材料",
                      render_kw={"required": True, "accept": IMAGE_ACCEPT + ",application/pdf"})
