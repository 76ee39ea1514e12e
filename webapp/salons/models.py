"""Academic salons (学术沙龙): the salon with its speakers, the managed list of rooms,
registrations with the waiting list, and each member's private calendar feed.

Times are stored in naive UTC (entered and shown in Asia/Shanghai). The salon row holds
the counts of registered, waiting and pending people: the registration service changes
`registered_count` with one conditional UPDATE, which is what keeps capacity exact under
concurrent registrations on SQLite and PostgreSQL alike.
"""
from sqlalchemy.ext.hybrid import hybrid_property

from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.extensions import db

TITLE_MIN, TITLE_MAX = 4, 120
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 10000
ADDRESS_MAX = 200
URL_MAX = 500
COMMENT_MAX = 1000
MINUTES_MIN, MINUTES_MAX = 10, 20000
NAME_MAX, AFFILIATION_MAX = 64, 128
CAPACITY_MIN, CAPACITY_MAX = 1, 2000
SPEAKERS_MAX = 10
ROOM_NAME_MAX = 64

# The disciplines a salon is filed under (the association's academic divisions).
DISCIPLINES = (
    "数学", "物理学", "化学", "天文学", "地球科学", "生命科学", "医学", "农学",
    "信息技术", "工程技术", "材料科学", "能源与环境", "人文社科与科技政策", "交叉学科",
)


class SalonState(TitledEnum):
    draft = ("draft", "草稿")
    filed = ("filed", "待审核")
    returned = ("returned", "已退回")
    approved = ("approved", "已通过")
    cancelled = ("cancelled", "已取消")


class SalonFormat(TitledEnum):
    offline = ("offline", "线下")
    online = ("online", "线上")
    hybrid = ("hybrid", "线上线下结合")


class RegistrationStatus(TitledEnum):
    registered = ("registered", "已报名")
    waiting = ("waiting", "候补中")
    pending = ("pending", "待主持人确认")
    cancelled = ("cancelled", "已取消")


ACTIVE_STATUSES = (RegistrationStatus.registered.value, RegistrationStatus.waiting.value,
                   RegistrationStatus.pending.value)


class SalonAction(TitledEnum):
    """What the audit log records of salons."""

    file = ("salon.file", "报备学术沙龙")
    approve = ("salon.approve", "通过沙龙报备")
    send_back = ("salon.return", "退回沙龙报备")
    cancel = ("salon.cancel", "取消学术沙龙")
    file_report = ("salon.report.file", "报备沙龙纪要与考勤")
    save_room = ("salon.room.save", "保存沙龙场地")


class SalonRoom(db.Model):
    """A room from the association's managed list, with its capacity."""

    __tablename__ = "salon_rooms"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(ROOM_NAME_MAX), nullable=False, unique=True)
    address = db.Column(db.String(ADDRESS_MAX), nullable=False, default="", server_default="")
    capacity = db.Column(db.Integer, nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())


class Salon(db.Model):
    __tablename__ = "salons"
    __table_args__ = (
        db.Index("ix_salons_state_starts_at", "state", "starts_at"),
        db.Index("ix_salons_room_id_starts_at", "room_id", "starts_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    host_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    discipline = db.Column(db.String(32), nullable=False)
    description = db.Column(db.Text, nullable=False)
    format = db.Column(db.String(16), nullable=False, default=SalonFormat.offline.value)
    room_id = db.Column(db.Integer, db.ForeignKey("salon_rooms.id", ondelete="SET NULL"))
    address = db.Column(db.String(ADDRESS_MAX), nullable=False, default="", server_default="")
    online_url = db.Column(db.String(URL_MAX), nullable=False, default="", server_default="")
    capacity = db.Column(db.Integer, nullable=False)
    requires_approval = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    starts_at = db.Column(db.DateTime, nullable=False)
    ends_at = db.Column(db.DateTime, nullable=False)
    registration_deadline = db.Column(db.DateTime, nullable=False)
    state = db.Column(db.String(16), nullable=False, default=SalonState.draft.value)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    filed_at = db.Column(db.DateTime)
    reviewed_at = db.Column(db.DateTime)
    review_comment = db.Column(db.Text, nullable=False, default="", server_default="")
    # Kept by the registration service in the same UPDATE that decides a place.
    registered_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    waiting_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    pending_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # After the salon: the check-in code shown at the venue, minutes, slides, the filing.
    checkin_code = db.Column(db.String(8))
    minutes = db.Column(db.Text, nullable=False, default="", server_default="")
    slides_key = db.Column(db.String(64))
    report_filed_at = db.Column(db.DateTime)
    report_reminded_at = db.Column(db.DateTime)

    host = db.relationship("User", foreign_keys=[host_id], lazy="joined")
    room = db.relationship(SalonRoom, lazy="joined")
    speakers = db.relationship("SalonSpeaker", back_populates="salon", cascade="all, delete-orphan",
                               order_by="SalonSpeaker.position", lazy="selectin")

    @hybrid_property
    def is_public(self):
        return self.state == SalonState.approved.value

    @property
    def state_enum(self):
        return SalonState(self.state)

    @property
    def format_enum(self):
        return SalonFormat(self.format)

    @property
    def places_left(self):
        return max(self.capacity - self.registered_count, 0)

    @property
    def venue(self):
        if self.room is not None:
            return f"{self.room.name}（{self.room.address}）" if self.room.address else self.room.name
        return self.address

    @property
    def url(self):
        from webapp.core.urls import path_for

        return path_for("salons.detail", salon_id=self.id)


class SalonSpeaker(db.Model):
    """A speaker: a registered user, or a guest known by name and affiliation."""

    __tablename__ = "salon_speakers"

    id = db.Column(db.Integer, primary_key=True)
    salon_id = db.Column(db.Integer, db.ForeignKey("salons.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name = db.Column(db.String(NAME_MAX), nullable=False)
    affiliation = db.Column(db.String(AFFILIATION_MAX), nullable=False, default="", server_default="")
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    salon = db.relationship(Salon, back_populates="speakers")
    user = db.relationship("User", lazy="joined")


class SalonRegistration(db.Model):
    __tablename__ = "salon_registrations"
    __table_args__ = (
        db.UniqueConstraint("salon_id", "user_id", name="uq_salon_registrations_salon_id_user_id"),
        db.Index("ix_salon_registrations_salon_id_status", "salon_id", "status", "queued_at"),
    )

    id = db.Column(db.Integer, primary_key=True)
    salon_id = db.Column(db.Integer, db.ForeignKey("salons.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The waiting list's order: when the person joined it (or registered).
    queued_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    cancelled_at = db.Column(db.DateTime)
    attended = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    checked_in_at = db.Column(db.DateTime)
    # Set when the 24-hour reminder went out: `flask salons remind` sends each one once.
    reminded_at = db.Column(db.DateTime)

    salon = db.relationship(Salon, lazy="joined")
    user = db.relationship("User", lazy="joined")

    @property
    def status_enum(self):
        return RegistrationStatus(self.status)


class SalonCalendarFeed(db.Model):
    """A member's private iCalendar feed of their salons: the secret token in its URL."""

    __tablename__ = "salon_calendar_feeds"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token = db.Column(db.String(64), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
