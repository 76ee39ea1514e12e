"""Account forms. They only check what a form can (required fields, matching
confirmation); the business rules (password strength, unique names, upload checks)
live in accounts.services and come back as ServiceError fields.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Optional

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


def required(label):
    return DataRequired(message=f"请填写{label}")


def matches(other):
    return EqualTo(other, message="两次输入的密码不一致")


class LoginForm(FlaskForm):
    username = StringField("用户名或邮箱", validators=[required("用户名或邮箱")],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("密码", validators=[required("密码")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("记住我")
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField("用户名", validators=[required("用户名")],
                           render_kw={"autocomplete": "username", "maxlength": 32})
    email = EmailField("电子邮箱", validators=[required("电子邮箱")], render_kw={"autocomplete": "email"})
    display_name = StringField("显示名称", validators=[required("显示名称")],
                               render_kw={"autocomplete": "nickname", "maxlength": 64})
    password = PasswordField("密码", validators=[required("密码")], render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField("确认密码", validators=[required("确认密码"), matches("password")],
                                     render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[required("当前密码")],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField("新密码", validators=[required("新密码")],
                                 render_kw={"autocomplete": "new-password"})
    new_password_confirm = PasswordField("确认新密码", validators=[required("确认新密码"), matches("new_password")],
                                         render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField("注册时使用的电子邮箱", validators=[required("电子邮箱")],
                       render_kw={"autocomplete": "email", "autofocus": True})


class ResetPasswordForm(FlaskForm):
    password = PasswordField("新密码", validators=[required("新密码")], render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField("确认新密码", validators=[required("确认新密码"), matches("password")],
                                     render_kw={"autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    display_name = StringField("显示名称", validators=[required("显示名称")], render_kw={"maxlength": 64})
    institution = StringField("工作单位", validators=[Optional()], render_kw={"maxlength": 128})
    discipline_tags = StringField("学科标签", validators=[Optional()])
    bio = TextAreaField("个人简介", validators=[Optional()], render_kw={"rows": 6, "maxlength": 2000})


class AvatarForm(FlaskForm):
    # The file type is judged by content in core.uploads, not by the name's extension.
    avatar = FileField("选择头像图片", validators=[FileRequired(message="请选择一张图片")],
                       render_kw={"accept": IMAGE_ACCEPT})


class VerificationForm(FlaskForm):
    real_name = StringField("真实姓名", validators=[required("真实姓名")],
                            render_kw={"autocomplete": "name", "maxlength": 64})
    organisation = StringField("工作单位", validators=[required("工作单位")],
                               render_kw={"autocomplete": "organization", "maxlength": 128})
    position = StringField("职务 / 职称", validators=[required("职务")], render_kw={"maxlength": 128})
    id_number = StringField("居民身份证号（选填）", validators=[Optional()],
                            render_kw={"autocomplete": "off", "maxlength": 18, "inputmode": "text"})
    proof = FileField("证明材料", validators=[FileRequired(message="请上传证明材料（图片或 PDF）")],
                      render_kw={"accept": IMAGE_ACCEPT + ",application/pdf"})
