"""Real-name verification (实名认证): applying with a proof, the staff queue and decisions."""
from types import SimpleNamespace

from sqlalchemy import func

from webapp.accounts import rules
from webapp.accounts.models import REASON_MAX, AccountAction, User, VerificationRequest, VerificationState
from webapp.core import audit, idnumber, uploads
from webapp.core.db import get_by_id, utcnow
from webapp.core.errors import Conflict, NotFound, ValidationError
from webapp.core.permissions import guard, require_login
from webapp.core.urls import path_for
from webapp.extensions import db
from webapp.notifications.services import notify


def pending_verification(user):
    return VerificationRequest.query.filter_by(user_id=user.id, state=VerificationState.pending.value).first()


def verification_history(user):
    return VerificationRequest.query.filter_by(user_id=user.id).order_by(VerificationRequest.id.desc()).all()


def apply_for_verification(user, real_name, organisation, position, proof_stream, id_number=None):
    """File a verification request. The proof is validated before anything is stored."""
    require_login(user)
    if pending_verification(user):
        raise Conflict("您已有一份待审核的认证申请")
    errors = {}
    values = {}
    for field, value, label in (("real_name", real_name, "真实姓名"), ("organisation", organisation, "工作单位"),
                                ("position", position, "职务")):
        value = (value or "").strip()
        if not value:
            errors[field] = f"请填写{label}"
        elif len(value) > (64 if field == "real_name" else 128):
            errors[field] = f"{label}过长"
        values[field] = value
    masked = hashed = None
    if id_number and id_number.strip():
        if not idnumber.is_valid(id_number):
            errors["id_number"] = "身份证号码无效（请检查位数、出生日期与校验位）"
        else:
            masked = idnumber.mask(id_number)
            hashed = idnumber.stored_digest(id_number)
            if id_number_holder(user.id, hashed) is not None:
                errors["id_number"] = "该身份证号码已在其他账号通过实名认证，不能重复使用"
    if proof_stream is None:
        errors["proof"] = "请上传证明材料（图片或 PDF）"
    if errors:
        raise ValidationError("认证申请有误", fields=errors)
    try:
        key, mime = uploads.save_private_document(proof_stream)
    except ValidationError as exc:
        raise ValidationError("认证申请有误", fields={"proof": exc.message}) from None
    req = VerificationRequest(user_id=user.id, id_number_masked=masked, id_number_hash=hashed,
                              proof_key=key, proof_mime=mime, **values)
    db.session.add(req)
    db.session.flush()
    audit.record(user, AccountAction.apply_verification, "verification_request", req.id, f"{user.username} 申请实名认证")
    db.session.flush()
    return req


def id_number_holder(user_id, hashed):
    """The approved request of another account than `user_id` carrying this ID number hash."""
    if not hashed:
        return None
    return VerificationRequest.query.filter(
        VerificationRequest.id_number_hash == hashed, VerificationRequest.user_id != user_id,
        VerificationRequest.state == VerificationState.approved.value,
    ).first()


def identity_holders(req):
    """Other verified accounts already holding the request's real name, organisation and position."""
    return verification_conflicts_of([req])[req.id].identity_holders


def verification_conflicts(req):
    """What staff must know before deciding `req` (see `verification_conflicts_of`)."""
    return verification_conflicts_of([req])[req.id]


def verification_conflicts_of(reqs):
    """{request id: what staff must know before deciding it}: the verified accounts with the
    same identity, whether its ID number is verified on another account, and how many other
    accounts' pending requests carry the same number. Three queries for a whole page."""
    reqs = list(reqs)
    result = {r.id: SimpleNamespace(identity_holders=[], number_taken=False, same_number_pending=0) for r in reqs}
    if not reqs:
        return result
    identities = {(r.real_name, r.organisation, r.position) for r in reqs}
    holders = User.query.filter(
        User.verified_at.isnot(None),
        db.tuple_(User.real_name, User.organisation, User.position).in_(list(identities)),
    ).order_by(User.id).all()
    hashes = {r.id_number_hash for r in reqs if r.id_number_hash}
    others = VerificationRequest.query.filter(
        VerificationRequest.id_number_hash.in_(hashes),
        VerificationRequest.state.in_([VerificationState.pending.value, VerificationState.approved.value]),
    ).all() if hashes else []
    for r in reqs:
        found = result[r.id]
        found.identity_holders = [u for u in holders if u.id != r.user_id
                                  and (u.real_name, u.organisation, u.position) == (r.real_name, r.organisation,
                                                                                      r.position)]
        same = [o for o in others if o.id_number_hash == r.id_number_hash and o.user_id != r.user_id]
        found.number_taken = any(o.state == VerificationState.approved.value for o in same)
        found.same_number_pending = sum(o.state == VerificationState.pending.value for o in same)
    return result


def _holder_names(users):
    return "、".join(f"{u.display_name}（@{u.username}）" for u in users)


def get_verification(actor, request_id):
    req = db.session.get(VerificationRequest, request_id)
    if req is None or not (actor.is_staff or req.user_id == getattr(actor, "id", None)):
        raise NotFound("找不到该认证申请")
    return req


def verification_queue(state=VerificationState.pending):
    """Requests in `state`: pending ones oldest first, decided ones most recently decided first."""
    q = VerificationRequest.query
    if state:
        q = q.filter_by(state=str(state))
    if state and str(state) != VerificationState.pending.value:
        return q.order_by(VerificationRequest.decided_at.desc(), VerificationRequest.id.desc())
    return q.order_by(VerificationRequest.created_at.asc(), VerificationRequest.id.asc())


def find_verification(request_id):
    return get_by_id(VerificationRequest, request_id)


def verification_counts():
    """{state: number of requests}, every state present."""
    rows = db.session.query(VerificationRequest.state, func.count()).group_by(VerificationRequest.state).all()
    counts = {s.value: 0 for s in VerificationState}
    counts.update({state: n for state, n in rows})
    return counts


def verification_ids_of(user):
    """A subquery of the ids of the user's verification requests (for the audit log)."""
    return db.select(VerificationRequest.id).where(VerificationRequest.user_id == user.id)


def account_counts():
    return {
        "users": User.query.count(),
        "pending_verifications": VerificationRequest.query.filter_by(
            state=VerificationState.pending.value).count(),
        "suspended": User.query.filter(User.suspended_at.isnot(None)).count(),
    }


def approve_verification(actor, req, note="", override=False, override_reason=""):
    """Approve `req`. An identity (real name + organisation + position) another verified
    account holds needs `override` with an `override_reason`, recorded in the audit log; an
    ID number verified on another account is refused outright."""
    guard(rules.why_not_decide_verification(actor, req))
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise ValidationError(fields={"note": f"备注不能超过 {REASON_MAX} 个字"})
    if id_number_holder(req.user_id, req.id_number_hash) is not None:
        raise Conflict("该身份证号码已在其他账号通过实名认证，不能再次通过", code="id_number_taken")
    holders = identity_holders(req)
    override_reason = (override_reason or "").strip()
    if holders:
        if not override:
            raise ValidationError("该身份已由其他认证账号持有", code="identity_taken", fields={"override": (
                f"姓名、单位和职务与 {_holder_names(holders)} 相同，已由其他认证账号持有；"
                "如确需通过，请勾选确认并填写理由")})
        if not override_reason:
            raise ValidationError(fields={"override_reason": "请填写覆盖的理由"})
        if len(override_reason) > REASON_MAX:
            raise ValidationError(fields={"override_reason": f"理由不能超过 {REASON_MAX} 个字"})
        audit.record(actor, AccountAction.override_identity, "verification_request", req.id,
                     f"确认通过与 {'、'.join('@' + u.username for u in holders)} 相同的身份"
                     f"（{req.real_name}，{req.organisation} {req.position}）", reason=override_reason)
    req.state = VerificationState.approved.value
    req.decided_at = utcnow()
    req.decided_by_id = actor.id
    req.decision_reason = note or None
    user = req.user
    user.verified_at = req.decided_at
    user.real_name, user.organisation, user.position = req.real_name, req.organisation, req.position
    audit.record(actor, AccountAction.approve_verification, "verification_request", req.id,
                 f"通过 {user.username} 的实名认证（{req.real_name}，{req.position}）", reason=req.decision_reason)
    notify(user, "verification.approved", "您的实名认证已通过",
           body=f"认证信息：{req.real_name}，{req.organisation} {req.position}",
           link=path_for("accounts.verification"), actor=actor)
    db.session.flush()
    return req


def reject_verification(actor, req, reason):
    guard(rules.why_not_decide_verification(actor, req))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(fields={"reason": "请填写不通过的原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": f"原因不能超过 {REASON_MAX} 个字"})
    req.state = VerificationState.rejected.value
    req.decided_at = utcnow()
    req.decided_by_id = actor.id
    req.decision_reason = reason
    audit.record(actor, AccountAction.reject_verification, "verification_request", req.id,
                 f"驳回 {req.user.username} 的实名认证", reason=reason)
    notify(req.user, "verification.rejected", "您的实名认证未通过", body=f"原因：{reason}",
           link=path_for("accounts.verification"), actor=actor)
    db.session.flush()
    return req
