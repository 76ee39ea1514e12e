"""A notification addressed to one user."""
from webapp.core.db import utcnow
from webapp.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (db.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    # Who it comes from when no person is named: staff act as the association (科协工作人员).
    actor_name = db.Column(db.String(64))
    kind = db.Column(db.String(64), nullable=False)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False, default="", server_default="")
    link = db.Column(db.String(500))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    read_at = db.Column(db.DateTime)

    user = db.relationship("User", foreign_keys=[user_id])
    actor = db.relationship("User", foreign_keys=[actor_id])

    @property
    def sender_name(self):
        """The sender as shown: the association's name for staff, else None (the actor is shown)."""
        return None if self.actor_id is not None else self.actor_name

    @property
    def is_read(self):
        return self.read_at is not None
