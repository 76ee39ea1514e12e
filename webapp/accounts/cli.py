"""`flask create-admin USERNAME`, and the demo accounts that `flask seed-demo` loads."""
import io
from datetime import UTC, datetime, time, timedelta

import click
from sqlalchemy import func

from webapp.accounts import services
from webapp.accounts.models import AccountAction, Role, User, UserRole, VerificationRequest
from webapp.core import audit, uploads
from webapp.core.content import load_content
from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.timeutil import clock_at, local_zone
from webapp.core.uow import transactional
from webapp.core.workdays import local_date
from webapp.extensions import db
from webapp.notifications.services import notify

DEMO_PASSWORD = "demo-password-2026"


def _joined(spec, now):
    """When a demo account was made: `joined_days_ago` days back, in the morning (naive UTC)."""
    day = local_date(now, local_zone()) - timedelta(days=spec.get("joined_days_ago", 0))
    moment = datetime.combine(day, time(9, 0), tzinfo=local_zone())
    moment += timedelta(minutes=7 * (sum(map(ord, spec["username"])) % 60))
    return min(moment.astimezone(UTC).replace(tzinfo=None), now)


def seed_accounts():
    """Create the demo accounts that do not exist yet; returns the usernames created.

    Each account is made at its `joined_days_ago` moment (`core.timeutil.clock_at`), with
    its welcome notice and audit entry then, so it joined before anything it does in the demo.
    """
    created, now = [], utcnow()
    for spec in load_content("accounts.json")["users"]:
        with clock_at(_joined(spec, now)):
            _seed_account(spec, created, now)
    db.session.flush()
    return created


def _seed_account(spec, created, now):
    user = User.query.filter(func.lower(User.username) == spec["username"].lower()).first()
    if user is None:
        user = User(username=spec["username"], email=spec["email"], display_name=spec["display_name"],
                    institution=spec.get("institution", ""), discipline_tags=spec.get("discipline_tags", []),
                    bio=spec.get("bio", ""))
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        created.append(user.username)
    for role in spec.get("roles", []):
        if not user.has_role(role):
            user.role_grants.append(UserRole(role=Role(role).value))
    verified = spec.get("verified")
    if verified and not user.is_verified:
        user.verified_at = utcnow()
        user.real_name = verified["real_name"]
        user.organisation = verified["organisation"]
        user.position = verified["position"]
    db.session.flush()
    pending = spec.get("pending_verification")
    if user.username in created:
        audit.record(None, AccountAction.seed, "user", user.id, f"载入演示账号 {user.username}")
        notify(user, "welcome", "欢迎来到科技工作者之家", body="这是一个演示账号。", link=user.url)
        db.session.flush()
    if pending and user.username in created:
        # Applied recently, so the staff queue shows fresh work.
        with clock_at(max(now - timedelta(days=2), utcnow())):
            _demo_verification_request(user, pending)
            db.session.flush()


def seed_demo_accounts():
    created = seed_accounts()
    if created:
        return f"Created demo accounts: {', '.join(created)} (password: {DEMO_PASSWORD})"
    return "Demo accounts already present; nothing to do."


def _demo_verification_request(user, spec):
    """A pending real-name application with a generated proof, so the staff queue has work."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 500), (246, 249, 254))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 780, 480), outline=(11, 83, 148), width=6)
    draw.text((60, 60), "DEMO PROOF OF EMPLOYMENT", fill=(11, 83, 148))
    draw.text((60, 100), f"user: {user.username}", fill=(40, 40, 40))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    buf.seek(0)
    key, mime = uploads.save_private_document(buf)
    db.session.add(VerificationRequest(user_id=user.id, proof_key=key, proof_mime=mime, **spec))


@click.command("create-admin")
@click.argument("username")
@click.option("--email", prompt="E-mail", help="E-mail address of the administrator.")
@click.password_option(prompt="Password", confirmation_prompt=True)
@transactional
def create_admin(username, email, password):
    """Create an administrator account, or grant the admin role to an existing user."""
    existing = services.find_user(username)
    if existing is not None:
        if not existing.has_role(Role.admin):
            existing.role_grants.append(UserRole(role=Role.admin.value))
            audit.record(None, AccountAction.grant_role, "user", existing.id,
                         f"命令行授予 {existing.username} 管理员角色")
        click.echo(f"{existing.username} is an administrator.")
        return
    try:
        user = services.register_user(username, email, password, username, roles=[Role.member, Role.admin])
    except ValidationError as exc:
        problems = "; ".join(f"{k}: {v}" for k, v in exc.fields.items()) or exc.message
        raise click.ClickException(problems) from None
    audit.record(None, AccountAction.grant_role, "user", user.id, f"命令行创建管理员 {user.username}")
    click.echo(f"Created administrator {user.username}.")
