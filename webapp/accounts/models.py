"""Users, their roles, API tokens and real-name verification requests."""
from flask import current_app, url_for
from flask_login import AnonymousUserMixin, UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.core.urls import path_for
from webapp.extensions import db

# The longest reason or note staff give with a decision (suspension, verification).
REASON_MAX = 1000


class Role(TitledEnum):
    member = ("member", "会员")
    leader = ("leader", "领导")
    reviewer = ("reviewer", "评审专家")
    editor = ("editor", "编辑")
    staff = ("staff", "工作人员")
    admin = ("admin", "管理员")


class AccountAction(TitledEnum):
    """What the audit log records of accounts (the action codes and their titles)."""

    grant_role = ("role.grant", "授予角色")
    revoke_role = ("role.revoke", "撤销角色")
    suspend = ("user.suspend", "停用账号")
    unsuspend = ("user.unsuspend", "恢复账号")
    apply_verification = ("verification.apply", "申请实名认证")
    approve_verification = ("verification.approve", "通过实名认证")
    reject_verification = ("verification.reject", "驳回实名认证")
    override_identity = ("verification.override_identity", "确认重复身份")
    password_changed = ("account.password_changed", "修改密码")
    password_reset = ("account.password_reset", "重置密码")
    seed = ("demo.seed_user", "载入演示账号")


class VerificationState(TitledEnum):
    pending = ("pending", "待审核")
    approved = ("approved", "已通过")
    rejected = ("rejected", "未通过")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(32), nullable=False, unique=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    password_hash = db.Column(db.String(255), nullable=False)
    display_name = db.Column(db.String(64), nullable=False)
    institution = db.Column(db.String(128), nullable=False, default="", server_default="")
    discipline_tags = db.Column(db.JSON, nullable=False, default=list)
    bio = db.Column(db.Text, nullable=False, default="", server_default="")
    avatar_key = db.Column(db.String(64))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(db.DateTime)
    # When the user accepted 用户协议 and 隐私政策 at sign-up (None: created by staff, the CLI
    # or the demo, or registered before acceptance was asked).
    terms_accepted_at = db.Column(db.DateTime)
    # Suspension: a suspended user cannot log in or use API tokens.
    suspended_at = db.Column(db.DateTime)
    suspended_reason = db.Column(db.Text)
    # Bumped on password change: invalidates reset links and remember-me cookies.
    session_version = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    # Real-name verification (实名认证), copied from the approved request.
    verified_at = db.Column(db.DateTime)
    real_name = db.Column(db.String(64))
    organisation = db.Column(db.String(128))
    position = db.Column(db.String(128))
    # E-mail about one's own business (an answer published, a suggestion assigned); in-site
    # notifications are always kept.
    email_notifications = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    # Optional and private (only its owner sees it): used only in the salons report's aggregate
    # share of hosts and speakers under 45.
    birth_year = db.Column(db.SmallInteger)

    role_grants = db.relationship(
        "UserRole", back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="UserRole.user_id",
    )

    def __repr__(self):
        return f"<User {self.username}>"

    # Flask-Login: the session stores id and version, so a password change logs out
    # every other session and every remember-me cookie.
    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.suspended_at is None

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    def set_password(self, password):
        # PASSWORD_HASH_METHOD: Werkzeug's default, scrypt (a memory-hard KDF), unless configured.
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def roles(self):
        return {Role(g.role) for g in self.role_grants}

    def has_role(self, *roles):
        names = {str(r) for r in roles}
        return any(g.role in names for g in self.role_grants)

    @property
    def is_staff(self):
        return self.has_role(Role.staff, Role.admin)

    @property
    def is_admin(self):
        return self.has_role(Role.admin)

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def is_verified_leader(self):
        return self.is_verified and self.has_role(Role.leader)

    @property
    def url(self):
        # path_for, not url_for: services and CLI commands have no request to build it from.
        return path_for("accounts.profile", username=self.username)

    def avatar_url(self, size="large"):
        if not self.avatar_key:
            return url_for("static", filename="img/default-avatar.svg")
        return url_for("accounts.avatar", key=self.avatar_key, size=size)


class AnonymousUser(AnonymousUserMixin):
    roles = frozenset()
    is_staff = False
    is_admin = False
    is_verified = False
    is_verified_leader = False

    def has_role(self, *roles):
        return False


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (db.UniqueConstraint("user_id", "role", name="uq_user_roles_user_id_role"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role = db.Column(db.String(16), nullable=False)
    granted_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    granted_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    user = db.relationship("User", back_populates="role_grants", foreign_keys=[user_id])


class ApiToken(db.Model):
    """A bearer token for the mobile API. Only a SHA-256 hash of the secret is stored."""

    __tablename__ = "api_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(64), nullable=False, default="", server_default="")
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    prefix = db.Column(db.String(12), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime)
    expires_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")


class VerificationRequest(db.Model):
    """An application for real-name verification (实名认证), decided by staff."""

    __tablename__ = "verification_requests"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    real_name = db.Column(db.String(64), nullable=False)
    organisation = db.Column(db.String(128), nullable=False)
    position = db.Column(db.String(128), nullable=False)
    # Resident ID number: masked (first and last character) and keyed scrypt hash only — never
    # in clear (core.idnumber).
    id_number_masked = db.Column(db.String(18))
    id_number_hash = db.Column(db.String(64), index=True)
    proof_key = db.Column(db.String(64), nullable=False)
    proof_mime = db.Column(db.String(64), nullable=False)
    state = db.Column(db.String(16), nullable=False, default=VerificationState.pending.value,
                      server_default=VerificationState.pending.value, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    decision_reason = db.Column(db.Text)

    user = db.relationship("User", foreign_keys=[user_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])

    @property
    def state_enum(self):
        return VerificationState(self.state)
