"""Suggestions to leaders (建言献策 · 领导信箱): the suggestion, its answer, follow-up,
rating, co-signatures, attachments and timeline, plus the staff-managed lists."""
import operator
from functools import reduce

from sqlalchemy import true
from sqlalchemy.ext.hybrid import hybrid_method

from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.core.permissions import is_authenticated
from webapp.extensions import db

# Limits of what a person types, declared once: the columns, the services' checks, the
# API schemas and the forms all read them from here.
TITLE_MIN, TITLE_MAX = 5, 120
BODY_MIN, BODY_MAX = 10, 20000
ANSWER_MIN, ANSWER_MAX = 10, 20000
FOLLOW_UP_MIN = 5
NOTE_MAX = 2000
RESPONSIBILITIES_MAX = 1000
COMMENT_MAX = 1000


class SuggestionState(TitledEnum):
    submitted = ("submitted", "待受理")
    not_accepted = ("not_accepted", "不予受理")
    accepted = ("accepted", "已受理")
    assigned = ("assigned", "办理中")
    answered = ("answered", "已答复")
    closed = ("closed", "已办结")
    withdrawn = ("withdrawn", "已撤回")


class Visibility(TitledEnum):
    public = ("public", "公开")
    private = ("private", "不公开")


class Satisfaction(TitledEnum):
    satisfied = ("satisfied", "满意")
    basically = ("basically", "基本满意")
    unsatisfied = ("unsatisfied", "不满意")


class EventKind(TitledEnum):
    submitted = ("submitted", "提交建议")
    accepted = ("accepted", "受理")
    not_accepted = ("not_accepted", "不予受理")
    assigned = ("assigned", "交办")
    reassigned = ("reassigned", "改派")
    answered = ("answered", "答复")
    follow_up = ("follow_up", "追问")
    follow_up_answered = ("follow_up_answered", "答复追问")
    rated = ("rated", "评价")
    closed = ("closed", "办结")
    threshold = ("threshold", "联名达到门槛")
    hidden = ("hidden", "隐藏")
    unhidden = ("unhidden", "恢复显示")
    answer_hidden = ("answer_hidden", "隐藏答复")
    answer_unhidden = ("answer_unhidden", "恢复答复")
    edited = ("edited", "修改建议")
    withdrawn = ("withdrawn", "撤回建议")
    recategorised = ("recategorised", "调整分类")


class SuggestionAction(TitledEnum):
    """What the audit log records of suggestions (the action codes and their titles)."""

    accept = ("suggestion.accept", "受理建议")
    not_accept = ("suggestion.not_accept", "不予受理")
    assigned = ("suggestion.assigned", "交办建议")
    reassigned = ("suggestion.reassigned", "改派建议")
    close = ("suggestion.close", "办结建议")
    hide = ("suggestion.hide", "隐藏建议")
    unhide = ("suggestion.unhide", "恢复建议")
    hide_answer = ("suggestion.hide_answer", "隐藏答复")
    unhide_answer = ("suggestion.unhide_answer", "恢复答复")
    save_category = ("suggestion.category.save", "保存建议分类")
    save_reason = ("suggestion.reason.save", "保存不予受理理由")
    leader_profile = ("suggestion.leader_profile", "更新领导分工或照片")
    recategorise = ("suggestion.recategorise", "调整建议分类")


# States in which a suggestion waits for its leader's answer.
OPEN_STATES = (SuggestionState.accepted.value, SuggestionState.assigned.value)
ANSWERED_STATES = (SuggestionState.answered.value, SuggestionState.closed.value)
# States in which a public suggestion is published (先审后发: only once staff accepted it).
PUBLISHED_STATES = OPEN_STATES + ANSWERED_STATES
# States counted as "received" by the assigned leader.
RECEIVED_STATES = (SuggestionState.assigned.value,) + ANSWERED_STATES


class SuggestionCategory(db.Model):
    """A category (科研政策, 人才评价, …); staff manage the list."""

    __tablename__ = "suggestion_categories"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(32), nullable=False, unique=True)
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())


class ScreeningReason(db.Model):
    """A standard reason for not accepting a suggestion; staff manage the list."""

    __tablename__ = "suggestion_screening_reasons"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(64), nullable=False, unique=True)
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())


class LeaderProfile(db.Model):
    """What the leader's public page says besides the account: their responsibilities (分工),
    which staff keep up to date. One row per leader, made on the first edit."""

    __tablename__ = "leader_profiles"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    responsibilities = db.Column(db.Text, nullable=False, default="", server_default="")
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Suggestion(db.Model):
    __tablename__ = "suggestions"
    # The indexes the pages read through (bench/README.md): the public list and its count
    # (visibility, not hidden, newest first, with the state in the index so that a state
    # filter or a state-based visibility rule is checked without reading the row), the same
    # per category, the state + due-date queues (overdue, reminders) and the leader's inbox.
    __table_args__ = (
        db.Index("ix_suggestions_list", "visibility", "hidden_at", "created_at", "id", "state"),
        db.Index("ix_suggestions_category_list", "category_id", "visibility", "hidden_at", "created_at", "id",
                 "state"),
        db.Index("ix_suggestions_supported_list", "visibility", "hidden_at", "support_count", "created_at", "id"),
        db.Index("ix_suggestions_state_due", "state", "due_date"),
        db.Index("ix_suggestions_leader_state_due", "assigned_leader_id", "state", "due_date"),
    )

    id = db.Column(db.Integer, primary_key=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    body = db.Column(db.Text, nullable=False)
    category_id = db.Column(db.Integer, db.ForeignKey("suggestion_categories.id", ondelete="RESTRICT"),
                            nullable=False, index=True)
    # Addressed to a named verified leader; NULL means the association as a whole.
    addressee_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    visibility = db.Column(db.String(16), nullable=False, default=Visibility.public.value,
                           server_default=Visibility.public.value)
    state = db.Column(db.String(16), nullable=False, default=SuggestionState.submitted.value,
                      server_default=SuggestionState.submitted.value, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    # Screening (受理): due within SUGGESTION_SCREEN_DAYS working days of submission.
    screen_due_date = db.Column(db.Date, nullable=False)
    screened_at = db.Column(db.DateTime)
    screened_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    screening_reason_id = db.Column(db.Integer, db.ForeignKey("suggestion_screening_reasons.id",
                                                              ondelete="SET NULL"))
    screening_note = db.Column(db.Text)
    # The answer deadline, fixed at acceptance: due after N working days, long overdue after 2N.
    accepted_at = db.Column(db.DateTime)
    due_date = db.Column(db.Date, index=True)
    long_due_date = db.Column(db.Date)
    assigned_leader_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    assigned_at = db.Column(db.DateTime)
    answered_at = db.Column(db.DateTime)
    # Settled by the answer and never recomputed (services/figures.py): the working days it
    # took from acceptance, and whether it came on time ("on_time" / "overdue" / "long_overdue").
    answer_working_days = db.Column(db.Integer)
    answer_deadline = db.Column(db.String(16))
    closed_at = db.Column(db.DateTime)
    # The deadline reminder already sent to the current assignee (reset on reassignment).
    reminded_at = db.Column(db.DateTime)
    # Co-signing (联名): denormalised count of SuggestionSupport rows.
    support_count = db.Column(db.Integer, nullable=False, default=0, server_default="0", index=True)
    threshold_reached_at = db.Column(db.DateTime, index=True)
    # Moderation: hidden from everyone but the author, the leaders concerned and staff.
    hidden_at = db.Column(db.DateTime, index=True)
    hidden_reason = db.Column(db.Text)
    hidden_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    author = db.relationship("User", foreign_keys=[author_id])
    addressee = db.relationship("User", foreign_keys=[addressee_id])
    assigned_leader = db.relationship("User", foreign_keys=[assigned_leader_id])
    screened_by = db.relationship("User", foreign_keys=[screened_by_id])
    category = db.relationship("SuggestionCategory")
    screening_reason = db.relationship("ScreeningReason")
    answer = db.relationship("LeaderAnswer", uselist=False, back_populates="suggestion",
                             cascade="all, delete-orphan")
    follow_up = db.relationship("SuggestionFollowUp", uselist=False, back_populates="suggestion",
                                cascade="all, delete-orphan")
    rating = db.relationship("SuggestionRating", uselist=False, back_populates="suggestion",
                             cascade="all, delete-orphan")
    attachments = db.relationship("SuggestionAttachment", back_populates="suggestion",
                                  cascade="all, delete-orphan", order_by="SuggestionAttachment.id")
    events = db.relationship("SuggestionEvent", back_populates="suggestion", cascade="all, delete-orphan",
                             order_by="(SuggestionEvent.created_at, SuggestionEvent.id)")

    @property
    def state_enum(self):
        return SuggestionState(self.state)

    @property
    def is_public(self):
        return self.visibility == Visibility.public.value

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def is_party(self, user):
        """The author, the addressee and the assigned leader: who may always see it."""
        uid = getattr(user, "id", None)
        return uid is not None and uid in (self.author_id, self.addressee_id, self.assigned_leader_id)

    @hybrid_method
    def is_visible_to(self, viewer):
        """Who may see a suggestion: one definition for Python and SQL.

        On an instance it is a bool (`s.is_visible_to(user)`); on the class it is the SQL
        condition (`Suggestion.query.filter(Suggestion.is_visible_to(user))`). Public ones
        everyone sees once staff accepted them (先审后发: published after screening, so one
        waiting for screening or refused never is); the rest only the author, the addressee,
        the assigned leader and staff.
        Written with `&`, `|` and `==` only, which mean the same on values and on columns.
        """
        screened_in = reduce(operator.or_, [self.state == state for state in PUBLISHED_STATES])
        public = ((self.visibility == Visibility.public.value) & (self.hidden_at == None)  # noqa: E711
                  & screened_in)
        if not is_authenticated(viewer):
            return public
        if viewer.is_staff:
            return true() if isinstance(self, type) else True
        return (public | (self.author_id == viewer.id) | (self.addressee_id == viewer.id)
                | (self.assigned_leader_id == viewer.id))

    def is_publicly_visible(self):
        return self.is_visible_to(None)

    @property
    def collects_signatures(self):
        """Co-signatures (联名) are collected from acceptance (when it is published) until it is answered."""
        return self.state in OPEN_STATES

    @property
    def published_answer(self):
        answer = self.answer
        return answer if answer is not None and answer.published_at is not None else None


class LeaderFigures(db.Model):
    """A leader's figures that only change when one of their suggestions or ratings does:
    received and answered counts, answers that came late, the histogram of working days
    taken and the ratings. Recounted by the flush that changes them (services/figures.py),
    so the ranking and the leader page read one row per leader, not the history."""

    __tablename__ = "suggestion_leader_figures"

    leader_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    counts = db.Column(db.JSON, nullable=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class LeaderAnswer(db.Model):
    """The leader's answer: a draft until `published_at` is set. One per suggestion."""

    __tablename__ = "suggestion_answers"
    __table_args__ = (db.Index("ix_suggestion_answers_leader_published", "leader_id", "published_at"),
                      db.Index("ix_suggestion_answers_published", "published_at"))

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, unique=True)
    leader_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    published_at = db.Column(db.DateTime)
    hidden_at = db.Column(db.DateTime)
    hidden_reason = db.Column(db.Text)

    suggestion = db.relationship("Suggestion", back_populates="answer")
    leader = db.relationship("User")

    @property
    def is_draft(self):
        return self.published_at is None


class SuggestionFollowUp(db.Model):
    """The author's one follow-up question on an answer, and the leader's reply."""

    __tablename__ = "suggestion_follow_ups"

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, unique=True)
    question = db.Column(db.Text, nullable=False)
    asked_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    answer = db.Column(db.Text)
    answered_at = db.Column(db.DateTime)
    answered_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))

    suggestion = db.relationship("Suggestion", back_populates="follow_up")
    answered_by = db.relationship("User")

    @property
    def is_pending(self):
        return self.answered_at is None


class SuggestionRating(db.Model):
    """The author's one rating of the answer."""

    __tablename__ = "suggestion_ratings"

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, unique=True)
    # The leader whose answer was rated (kept if the suggestion is later reassigned).
    leader_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    value = db.Column(db.String(16), nullable=False)
    comment = db.Column(db.Text, nullable=False, default="", server_default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    suggestion = db.relationship("Suggestion", back_populates="rating")

    @property
    def value_enum(self):
        return Satisfaction(self.value)


class SuggestionSupport(db.Model):
    """One member's co-signature (联名支持) of a public suggestion."""

    __tablename__ = "suggestion_supports"
    __table_args__ = (db.UniqueConstraint("suggestion_id", "user_id",
                                          name="uq_suggestion_supports_suggestion_id_user_id"),)

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class SuggestionAttachment(db.Model):
    """An image or PDF attached to a suggestion, stored privately and served after `can_view`."""

    __tablename__ = "suggestion_attachments"

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    storage_key = db.Column(db.String(64), nullable=False, unique=True)
    mime = db.Column(db.String(64), nullable=False)
    filename = db.Column(db.String(200), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    suggestion = db.relationship("Suggestion", back_populates="attachments")

    @property
    def is_image(self):
        return self.mime.startswith("image/")


class SuggestionEvent(db.Model):
    """One step on a suggestion's timeline."""

    __tablename__ = "suggestion_events"

    id = db.Column(db.Integer, primary_key=True)
    suggestion_id = db.Column(db.Integer, db.ForeignKey("suggestions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    # A leader the step concerns (assignment target), shown by name on the timeline.
    subject_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    note = db.Column(db.Text, nullable=False, default="", server_default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    suggestion = db.relationship("Suggestion", back_populates="events")
    actor = db.relationship("User", foreign_keys=[actor_id])
    subject = db.relationship("User", foreign_keys=[subject_id])

    @property
    def kind_enum(self):
        return EventKind(self.kind)
