"""What review puts in the site search: only the results a call has published — accepted
(or awarded) submissions of a decided call — with title, abstract and keywords. Never the
authors (decided: even after publication the search index carries no author of a blind call;
the public result page names them), never anything undecided, rejected or withdrawn."""
from flask import url_for

from webapp.review.models import CallState, Submission, SubmissionState


def submission_document(submission):
    if submission.call.state != CallState.decided.value or submission.state != SubmissionState.accepted.value:
        return None
    return {
        "title": submission.title,
        "body": submission.abstract,
        "url": url_for("review.result", submission_id=submission.id),
        "created_at": submission.created_at,
        "discipline": submission.discipline or None,
        "category": submission.call.kind_enum.title,
        "tags": list(submission.keywords or []),
    }


def all_submissions():
    return (Submission.query.join(Submission.call)
            .filter(Submission.state == SubmissionState.accepted.value)
            .yield_per(500))


def search_sources():
    """What this capability puts in the site search (collected by webapp.search)."""
    from webapp.review.models import ReviewCall

    return [{
        "type": "review_result",
        "label": "评审结果",
        "model": Submission,
        "document": submission_document,
        "all": all_submissions,
        "watch": {ReviewCall: lambda call: [s.id for s in Submission.query.filter_by(call_id=call.id)]},
    }]
