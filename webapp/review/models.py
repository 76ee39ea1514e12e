"""Online paper and project review (论文网上评审 · 课题网上申报与评审): calls, submissions
and their versions, conflicts of interest, the reviewer pool, assignments, reviews."""
from webapp.core.db import utcnow
from webapp.core.enums import TitledEnum
from webapp.extensions import db

TITLE_MIN, TITLE_MAX = 4, 200
ABSTRACT_MIN, ABSTRACT_MAX = 20, 5000
DESCRIPTION_MAX = 10000
COMMENT_MAX = 10000
REASON_MAX = 500
NAME_MAX, INSTITUTION_MAX = 64, 128


class CallKind(TitledEnum):
    paper_award = ("paper_award", "论文评奖")
    project_application = ("project_application", "课题申报")


class Anonymity(TitledEnum):
    double_blind = ("double_blind", "双盲")
    single_blind = ("single_blind", "单盲")
    open = ("open", "公开评审")


class CallState(TitledEnum):
    open = ("open", "进行中")
    decided = ("decided", "已公布结果")


class SubmissionState(TitledEnum):
    submitted = ("submitted", "已提交")
    withdrawn = ("withdrawn", "已撤回")
    accepted = ("accepted", "已录用")
    rejected = ("rejected", "未录用")


class AwardLevel(TitledEnum):
    first = ("first", "一等奖")
    second = ("second", "二等奖")
    third = ("third", "三等奖")
    excellent = ("excellent", "优秀奖")


class ConflictKind(TitledEnum):
    collaborator = ("collaborator", "合作者")
    advisor = ("advisor", "师生关系")
    same_institution = ("same_institution", "同一单位")
    personal = ("personal", "亲属或个人关系")
    other = ("other", "其他")


class ConflictSource(TitledEnum):
    author = ("author", "作者申报")
    reviewer = ("reviewer", "专家申报")
    auto_author = ("auto_author", "自动发现：专家是作者")
    auto_institution = ("auto_institution", "自动发现：同一单位")
    auto_coauthor = ("auto_coauthor", "自动发现：本次征集中的合作者")


class ConflictState(TitledEnum):
    pending = ("pending", "待确认")
    confirmed = ("confirmed", "已确认")
    dismissed = ("dismissed", "已排除")


class PoolState(TitledEnum):
    invited = ("invited", "受邀")
    removed = ("removed", "已移出")


class AssignmentState(TitledEnum):
    alternate = ("alternate", "候补")
    assigned = ("assigned", "待评审")
    declined = ("declined", "已谢绝")
    submitted = ("submitted", "已提交评审")


class Recommendation(TitledEnum):
    strong_accept = ("strong_accept", "强烈推荐")
    accept = ("accept", "推荐")
    borderline = ("borderline", "可推荐可不推荐")
    reject = ("reject", "不推荐")


class ReviewAction(TitledEnum):
    create_call = ("review.call.create", "创建评审征集")
    assign = ("review.assign", "分配评审专家")
    unassign = ("review.unassign", "取消评审分配")
    conflict = ("review.conflict", "处理利益冲突")
    pool = ("review.pool", "调整专家库")
    decide = ("review.decide", "作出评审决定")
    publish = ("review.publish", "公布评审结果")


class ReviewCall(db.Model):
    __tablename__ = "review_calls"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    description = db.Column(db.Text, nullable=False, default="", server_default="")
    kind = db.Column(db.String(32), nullable=False, default=CallKind.paper_award.value,
                     server_default=CallKind.paper_award.value)
    anonymity = db.Column(db.String(16), nullable=False, default=Anonymity.double_blind.value,
                          server_default=Anonymity.double_blind.value)
    state = db.Column(db.String(16), nullable=False, default=CallState.open.value,
                      server_default=CallState.open.value, index=True)
    submission_opens = db.Column(db.DateTime, nullable=False)
    submission_closes = db.Column(db.DateTime, nullable=False)
    review_due = db.Column(db.DateTime, nullable=False)
    disciplines = db.Column(db.JSON, nullable=False, default=list)
    reviewers_per_submission = db.Column(db.Integer, nullable=False, default=3, server_default="3")
    max_load = db.Column(db.Integer, nullable=False, default=10, server_default="10")
    max_pages = db.Column(db.Integer, nullable=False, default=30, server_default="30")
    max_mb = db.Column(db.Integer, nullable=False, default=10, server_default="10")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)

    criteria = db.relationship("ReviewCriterion", back_populates="call", cascade="all, delete-orphan",
                               order_by="ReviewCriterion.position")

    @property
    def kind_enum(self):
        return CallKind(self.kind)

    @property
    def anonymity_enum(self):
        return Anonymity(self.anonymity)

    @property
    def state_enum(self):
        return CallState(self.state)

    @property
    def blind(self):
        return self.anonymity != Anonymity.open.value


class ReviewCriterion(db.Model):
    __tablename__ = "review_criteria"

    id = db.Column(db.Integer, primary_key=True)
    call_id = db.Column(db.Integer, db.ForeignKey("review_calls.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(32), nullable=False)
    weight = db.Column(db.Float, nullable=False, default=1.0)
    min_score = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    max_score = db.Column(db.Integer, nullable=False, default=10, server_default="10")
    position = db.Column(db.Integer, nullable=False, default=0, server_default="0")

    call = db.relationship("ReviewCall", back_populates="criteria")


class Submission(db.Model):
    __tablename__ = "review_submissions"
    __table_args__ = (db.Index("ix_review_submissions_call_state", "call_id", "state"),)

    id = db.Column(db.Integer, primary_key=True)
    call_id = db.Column(db.Integer, db.ForeignKey("review_calls.id", ondelete="CASCADE"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    abstract = db.Column(db.Text, nullable=False)
    keywords = db.Column(db.JSON, nullable=False, default=list)
    discipline = db.Column(db.String(32), nullable=False, default="", server_default="")
    state = db.Column(db.String(16), nullable=False, default=SubmissionState.submitted.value,
                      server_default=SubmissionState.submitted.value)
    award_level = db.Column(db.String(16))
    # The opaque name reviewers download the PDF under (never the title or an author).
    file_token = db.Column(db.String(32), nullable=False, unique=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)

    call = db.relationship("ReviewCall")
    author = db.relationship("User")
    authors = db.relationship("SubmissionAuthor", back_populates="submission", cascade="all, delete-orphan",
                              order_by="SubmissionAuthor.position")
    versions = db.relationship("SubmissionVersion", back_populates="submission", cascade="all, delete-orphan",
                               order_by="SubmissionVersion.number")

    @property
    def state_enum(self):
        return SubmissionState(self.state)

    @property
    def award_enum(self):
        return AwardLevel(self.award_level) if self.award_level else None

    @property
    def current_version(self):
        return self.versions[-1] if self.versions else None


class SubmissionAuthor(db.Model):
    __tablename__ = "review_submission_authors"

    id = db.Column(db.Integer, primary_key=True)
    submission_id = db.Column(db.Integer, db.ForeignKey("review_submissions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    name = db.Column(db.String(NAME_MAX), nullable=False)
    institution = db.Column(db.String(INSTITUTION_MAX), nullable=False, default="", server_default="")
    email = db.Column(db.String(254), nullable=False, default="", server_default="")
    # The account this author is, matched by e-mail address (identity is matched on accounts).
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)

    submission = db.relationship("Submission", back_populates="authors")


class SubmissionVersion(db.Model):
    __tablename__ = "review_submission_versions"
    __table_args__ = (db.UniqueConstraint("submission_id", "number", name="uq_review_versions_number"),)

    id = db.Column(db.Integer, primary_key=True)
    submission_id = db.Column(db.Integer, db.ForeignKey("review_submissions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    file_key = db.Column(db.String(64), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    pages = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    submission = db.relationship("Submission", back_populates="versions")


class ReviewerProfile(db.Model):
    """A reviewer's expertise tags and the people they declare conflicts with (e-mails)."""

    __tablename__ = "reviewer_profiles"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    expertise = db.Column(db.JSON, nullable=False, default=list)
    conflict_emails = db.Column(db.JSON, nullable=False, default=list)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class CallReviewer(db.Model):
    """A change to a call's default pool (every reviewer): someone invited, or removed."""

    __tablename__ = "review_call_reviewers"
    __table_args__ = (db.UniqueConstraint("call_id", "user_id", name="uq_review_call_reviewers"),)

    id = db.Column(db.Integer, primary_key=True)
    call_id = db.Column(db.Integer, db.ForeignKey("review_calls.id", ondelete="CASCADE"), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    state = db.Column(db.String(16), nullable=False)


class Conflict(db.Model):
    __tablename__ = "review_conflicts"
    __table_args__ = (db.UniqueConstraint("submission_id", "reviewer_id", "source", name="uq_review_conflicts"),)

    id = db.Column(db.Integer, primary_key=True)
    call_id = db.Column(db.Integer, db.ForeignKey("review_calls.id", ondelete="CASCADE"), nullable=False, index=True)
    submission_id = db.Column(db.Integer, db.ForeignKey("review_submissions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    source = db.Column(db.String(24), nullable=False)
    kind = db.Column(db.String(24), nullable=False, default=ConflictKind.other.value)
    state = db.Column(db.String(16), nullable=False, default=ConflictState.pending.value)
    note = db.Column(db.String(REASON_MAX), nullable=False, default="", server_default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    decided_at = db.Column(db.DateTime)

    submission = db.relationship("Submission")
    reviewer = db.relationship("User")

    @property
    def source_enum(self):
        return ConflictSource(self.source)

    @property
    def kind_enum(self):
        return ConflictKind(self.kind)

    @property
    def state_enum(self):
        return ConflictState(self.state)


class ReviewAssignment(db.Model):
    __tablename__ = "review_assignments"
    __table_args__ = (db.UniqueConstraint("submission_id", "reviewer_id", name="uq_review_assignments"),
                      db.Index("ix_review_assignments_reviewer_state", "reviewer_id", "state"))

    id = db.Column(db.Integer, primary_key=True)
    call_id = db.Column(db.Integer, db.ForeignKey("review_calls.id", ondelete="CASCADE"), nullable=False, index=True)
    submission_id = db.Column(db.Integer, db.ForeignKey("review_submissions.id", ondelete="CASCADE"),
                              nullable=False, index=True)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    state = db.Column(db.String(16), nullable=False, default=AssignmentState.assigned.value)
    match = db.Column(db.Float, nullable=False, default=0.0, server_default="0")
    rank = db.Column(db.Integer, nullable=False, default=0, server_default="0")  # alternates' order
    decline_reason = db.Column(db.String(REASON_MAX))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    reminded_at = db.Column(db.DateTime)

    submission = db.relationship("Submission")
    reviewer = db.relationship("User")
    call = db.relationship("ReviewCall")
    review = db.relationship("Review", uselist=False, back_populates="assignment", cascade="all, delete-orphan")

    @property
    def state_enum(self):
        return AssignmentState(self.state)


class Review(db.Model):
    __tablename__ = "reviews"

    id = db.Column(db.Integer, primary_key=True)
    assignment_id = db.Column(db.Integer, db.ForeignKey("review_assignments.id", ondelete="CASCADE"),
                              nullable=False, unique=True)
    scores = db.Column(db.JSON, nullable=False, default=dict)  # criterion name → number
    recommendation = db.Column(db.String(16))
    comments_to_authors = db.Column(db.Text, nullable=False, default="", server_default="")
    comments_to_organisers = db.Column(db.Text, nullable=False, default="", server_default="")
    weighted_score = db.Column(db.Float)
    submitted_at = db.Column(db.DateTime)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    assignment = db.relationship("ReviewAssignment", back_populates="review")

    @property
    def recommendation_enum(self):
        return Recommendation(self.recommendation) if self.recommendation else None
