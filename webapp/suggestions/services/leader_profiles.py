"""What a leader's public page says besides their figures: responsibilities (分工) and photo,
kept up to date by staff (audited). The photo is the leader's avatar (accounts' pipeline)."""
from webapp.accounts import services as accounts
from webapp.core import audit
from webapp.core.db import utcnow
from webapp.core.errors import ValidationError
from webapp.core.permissions import require_staff
from webapp.core.uploads import UploadError
from webapp.extensions import db
from webapp.suggestions.models import RESPONSIBILITIES_MAX, LeaderProfile, SuggestionAction


def responsibilities_of(leader_ids):
    """{leader id: responsibilities} for these leaders, in one query ("" when none are recorded)."""
    ids = list(leader_ids)
    if not ids:
        return {}
    rows = db.session.query(LeaderProfile.user_id, LeaderProfile.responsibilities).filter(
        LeaderProfile.user_id.in_(ids))
    return {leader_id: "" for leader_id in ids} | dict(rows.all())


def responsibilities(leader):
    return responsibilities_of([leader.id])[leader.id]


def save_leader_profile(actor, leader, responsibilities=None, photo=None):
    """Staff set a leader's responsibilities (None: unchanged) and, optionally, photo."""
    require_staff(actor)
    changed = []
    if responsibilities is not None:
        text = str(responsibilities).strip()
        if len(text) > RESPONSIBILITIES_MAX:
            raise ValidationError(f"分工不能超过 {RESPONSIBILITIES_MAX} 个字",
                                  fields={"responsibilities": f"不能超过 {RESPONSIBILITIES_MAX} 个字"})
        profile = db.session.get(LeaderProfile, leader.id)
        if profile is None:
            profile = LeaderProfile(user_id=leader.id)
            db.session.add(profile)
        profile.responsibilities = text
        profile.updated_at = utcnow()
        changed.append("分工")
    if photo is not None:
        try:
            accounts.set_avatar(leader, photo)
        except UploadError as exc:
            raise ValidationError(exc.message, fields={"photo": exc.message}) from None
        changed.append("照片")
    if changed:
        name = leader.real_name or leader.display_name
        audit.record(actor, SuggestionAction.leader_profile, "user", leader.id,
                     summary=f"更新领导 {name} 的{'和'.join(changed)}")
    db.session.flush()
    return leader
