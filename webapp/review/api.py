"""Review API: calls, submissions, automatic assignment, a reviewer's assignments and reviews,
the ranking and decisions — exactly the visibility of the pages (the same services)."""
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import PageArgs, page_from_list, page_of
from webapp.core.permissions import guard
from webapp.review import services
from webapp.review.schemas import (
    AutoAssignInputSchema,
    DecisionInputSchema,
    ReviewAssignmentSchema,
    ReviewAssignmentSummarySchema,
    ReviewAutoAssignmentSchema,
    ReviewCallCreateSchema,
    ReviewCallSchema,
    ReviewInputSchema,
    ReviewOwnSchema,
    ReviewRankingSchema,
    ReviewSubmissionSchema,
    ReviewSubmitFormSchema,
    ReviewSubmitSchema,
)
from webapp.review.services.assignment import get_submission_for_staff

TAGS = ["review"]


def _staff(call_id=None, submission_id=None):
    guard(services.why_not_manage(current_user))
    if call_id is not None:
        services.get_call(call_id)
    if submission_id is not None:
        get_submission_for_staff(current_user, submission_id)


def _reviewer(assignment_id):
    services.get_assignment(assignment_id, current_user)


@api_route("/calls", methods=["GET"], summary="Calls for papers and project applications", tags=TAGS,
           query=PageArgs, responses={200: page_of(ReviewCallSchema)}, endpoint="list_review_calls")
def list_review_calls(page, per_page):
    return page_from_list(services.list_calls(), page, per_page)


@api_route("/calls", methods=["POST"], summary="Create a call (organisers: staff)", tags=TAGS, auth=True,
           before=_staff, request=ReviewCallCreateSchema, responses={201: ReviewCallSchema}, errors=[403],
           endpoint="create_review_call")
def create_review_call(title, kind, submission_opens, submission_closes, review_due, description="",
                       anonymity="double_blind", reviewers_per_submission=3, max_load=10, disciplines=(),
                       criteria=None):
    return services.create_call(current_user, title, kind, anonymity or "double_blind", submission_opens,
                                submission_closes, review_due, reviewers_per_submission=reviewers_per_submission or 3,
                                max_load=max_load or 10, criteria=criteria, description=description or "",
                                disciplines=disciplines or ())


@api_route("/calls/<int:call_id>", methods=["GET"], summary="A call with its review form", tags=TAGS,
           responses={200: ReviewCallSchema}, endpoint="get_review_call")
def get_review_call(call_id):
    return services.get_call(call_id)


def _may_submit(call_id):
    guard(services.why_not_submit(current_user, services.get_call(call_id)))


@api_route("/calls/<int:call_id>/submissions", methods=["POST"], tags=TAGS, auth=True, before=_may_submit,
           summary="Submit to a call (multipart: the fields, authors as JSON, and the PDF)",
           request=ReviewSubmitSchema, multipart=ReviewSubmitFormSchema, responses={201: ReviewSubmissionSchema},
           errors=[403, 409], endpoint="create_review_submission",
           description="The PDF is checked by content, pages and size; in a double-blind call its metadata is "
                       "removed. A JSON body (no PDF) is refused with 422 naming `pdf`.")
def create_review_submission(call_id, title, abstract, keywords, authors, discipline="", conflicts=(), pdf=None):
    call = services.get_call(call_id)
    return services.submit(current_user, call, title, abstract, keywords, discipline, authors,
                           pdf[0] if pdf else None, conflicts=[(c["reviewer_id"], c["kind"]) for c in conflicts])


@api_route("/submissions/<int:submission_id>", methods=["GET"], tags=TAGS, auth=True,
           summary="A submission, to its author and organisers", responses={200: ReviewSubmissionSchema},
           endpoint="get_review_submission")
def get_review_submission(submission_id):
    return services.get_submission(submission_id, current_user)


@api_route("/calls/<int:call_id>/assignments/auto", methods=["POST"], tags=TAGS, auth=True, before=_staff,
           summary="Automatic assignment: propose (confirm=false) or save it (confirm=true)",
           request=AutoAssignInputSchema, responses={200: ReviewAutoAssignmentSchema}, errors=[403],
           endpoint="auto_assign_reviewers",
           description="Exactly k reviewers per submission, no reviewer above the load limit, no confirmed or "
                       "pending conflict, total expertise match maximised (a min-cost-flow linear programme). "
                       "When it cannot be met, `problems` says which submissions and why; confirming then is 422.")
def auto_assign_reviewers(call_id, confirm):
    call = services.get_call(call_id)
    proposal = services.confirm(current_user, call) if confirm else services.propose(current_user, call)
    return {"proposal": proposal, "confirmed": bool(confirm)}


@api_route("/me/assignments", methods=["GET"], tags=TAGS, auth=True, query=PageArgs,
           summary="The caller's review assignments", responses={200: page_of(ReviewAssignmentSummarySchema)},
           endpoint="my_review_assignments")
def my_review_assignments(page, per_page):
    return page_from_list(services.my_assignments(current_user), page, per_page)


@api_route("/assignments/<int:assignment_id>", methods=["GET"], tags=TAGS, auth=True,
           summary="An assignment: the submission as the reviewer may see it, with a link to its PDF",
           responses={200: ReviewAssignmentSchema}, endpoint="get_review_assignment")
def get_review_assignment(assignment_id):
    return services.get_assignment(assignment_id, current_user)


@api_route("/assignments/<int:assignment_id>/review", methods=["POST"], tags=TAGS, auth=True, before=_reviewer,
           summary="Save the review as a draft, or submit it (submit=true)", request=ReviewInputSchema,
           responses={200: ReviewOwnSchema}, errors=[409], endpoint="save_review")
def save_review(assignment_id, scores, comments_to_authors="", comments_to_organisers="", submit=False,
                recommendation=None):
    assignment = services.get_assignment(assignment_id, current_user)
    return services.save_review(current_user, assignment, scores, recommendation, comments_to_authors,
                                comments_to_organisers, submit)


@api_route("/calls/<int:call_id>/ranking", methods=["GET"], tags=TAGS, auth=True, before=_staff,
           summary="The ranking: weighted scores, mean, spread, calibrated score (organisers)",
           responses={200: ReviewRankingSchema}, errors=[403], endpoint="review_ranking")
def review_ranking(call_id):
    call = services.get_call(call_id)
    rows, offsets = services.ranking(call)
    reviewers = {a.reviewer_id: a.reviewer for row in rows for a in row["reviews"]}
    return {"items": [{"rank": r["rank"], "submission_id": r["submission"].id, "title": r["submission"].title,
                       "scores": [{"reviewer": a.reviewer, "weighted_score": a.review.weighted_score,
                                   "recommendation": a.review.recommendation} for a in r["reviews"]],
                       "mean": r["mean"], "spread": r["spread"], "calibrated": r["calibrated"],
                       "disagreement": r["disagreement"], "decision": services.decision_title(r["submission"])}
                      for r in rows],
            "reviewer_offsets": [{"reviewer": reviewers[rid], "offset": b} for rid, b in offsets.items()]}


@api_route("/submissions/<int:submission_id>/decision", methods=["POST"], tags=TAGS, auth=True, before=_staff,
           summary="Decide a submission (organisers); authors see it once the call's results are published",
           request=DecisionInputSchema, responses={200: ReviewSubmissionSchema}, errors=[403, 409],
           endpoint="decide_review_submission")
def decide_review_submission(submission_id, decision):
    submission = get_submission_for_staff(current_user, submission_id)
    return services.decide(current_user, submission, decision)
