"""Tables shared by every capability: the audit log."""
from webapp.core.db import utcnow
from webapp.extensions import db


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action = db.Column(db.String(64), nullable=False, index=True)
    object_type = db.Column(db.String(64), nullable=False)
    object_id = db.Column(db.Integer)
    summary = db.Column(db.String(500), nullable=False, default="")
    reason = db.Column(db.Text)
    data = db.Column(db.JSON)
    ip_address = db.Column(db.String(64))

    actor = db.relationship("User", foreign_keys=[actor_id], lazy="joined")
