"""The review capability's services (see each module); import from here."""
from webapp.review.services.assignment import assign, confirm, match_score, propose, reassign, solve  # noqa: F401
from webapp.review.services.calls import (  # noqa: F401
    DEFAULT_CRITERIA,
    PHASES,
    create_call,
    get_call,
    list_calls,
    phase,
)
from webapp.review.services.conflicts import conflicts_of, detect, normalise_institution  # noqa: F401
from webapp.review.services.conflicts import decide as decide_conflict  # noqa: F401
from webapp.review.services.decisions import (  # noqa: F401
    comments_for_author,
    decide,
    decision_choices,
    decision_title,
    publish,
)
from webapp.review.services.export import ranking_csv  # noqa: F401
from webapp.review.services.pdfs import KIND as PDF_KIND  # noqa: F401
from webapp.review.services.pdfs import minimal_pdf, pdf_path  # noqa: F401
from webapp.review.services.pool import invite, pool, profile_of, remove, save_profile  # noqa: F401
from webapp.review.services.ranking import calibrate, distributions, progress, ranking  # noqa: F401
from webapp.review.services.reviews import (  # noqa: F401
    decline,
    get_assignment,
    my_assignments,
    other_reviews,
    remind,
    save_review,
    weighted_score,
)
from webapp.review.services.rules import *  # noqa: F401,F403
from webapp.review.services.submissions import (  # noqa: F401
    active_submissions,
    get_submission,
    get_version,
    my_submissions,
    referenced_files,
    revise,
    submit,
    withdraw,
)
