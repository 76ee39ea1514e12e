"""The rules of suggestions to leaders (建言献策 · 领导信箱), by concern:

- rules.py          who may do what now: `why_not_<action>` / `can_<action>`, `permissions()`
- submission.py     submitting, with attachments checked by content
- lifecycle.py      accept / refuse / assign / answer / follow up / rate / close
- authoring.py      the author's edit / withdraw (撤回) before screening
- cosigning.py      co-signing (联名), withdrawing it, and the threshold
- moderation.py     hiding and showing again; changing the category
- similar.py        similar suggestions by title (jieba), before submitting
- mailing.py        e-mail to the author (answer) and the leader (assignment), opt-out
- reading.py        visibility, one suggestion, filtered lists
- queues.py         the leader's inbox and the staff queues
- deadlines.py      the answer deadline as a viewer sees it
- stats.py          leaders' figures and ranking
- figures.py        what an answer settles, stored; leaders' cached figures invalidated on change
- reminders.py      deadline reminders (cron)
- managed_lists.py  categories and screening reasons
- people.py         leaders and staff, asked of the accounts capability
- leader_profiles.py  a leader's responsibilities (分工) and photo, kept by staff
- settings.py, timeline.py, validation.py

Services take the acting user explicitly, check permission, change models, audit, notify
and flush; the unit of work of the request or command commits (`webapp.core.uow`).
Pages, the API and the CLI import this package and call these names.
"""

from webapp.core.permissions import require_login, require_staff  # noqa: F401
from webapp.suggestions.models import (  # noqa: F401
    ANSWER_MAX,
    ANSWER_MIN,
    BODY_MAX,
    BODY_MIN,
    COMMENT_MAX,
    FOLLOW_UP_MIN,
    NOTE_MAX,
    RESPONSIBILITIES_MAX,
    TITLE_MAX,
    TITLE_MIN,
)
from webapp.suggestions.services import figures  # noqa: F401  (its session hooks settle and invalidate)
from webapp.suggestions.services.authoring import edit, withdraw  # noqa: F401
from webapp.suggestions.services.cosigning import support, withdraw_support  # noqa: F401
from webapp.suggestions.services.deadlines import deadline, screening_late  # noqa: F401
from webapp.suggestions.services.leader_profiles import (  # noqa: F401
    responsibilities,
    responsibilities_of,
    save_leader_profile,
)
from webapp.suggestions.services.lifecycle import (  # noqa: F401
    accept,
    answer_follow_up,
    ask_follow_up,
    assign,
    close,
    rate,
    refuse,
    save_answer,
)
from webapp.suggestions.services.managed_lists import (  # noqa: F401
    DEFAULT_CATEGORIES,
    DEFAULT_REASONS,
    categories,
    ensure_defaults,
    managed_item,
    save_category,
    save_screening_reason,
    screening_reasons,
    usage_counts,
)
from webapp.suggestions.services.moderation import hide, hide_answer, recategorise, unhide, unhide_answer  # noqa: F401
from webapp.suggestions.services.people import (  # noqa: F401
    get_leader,
    leader_names,
    leaders,
    leaders_query,
    staff_users,
)
from webapp.suggestions.services.queues import (  # noqa: F401
    ALL_COUNT_CAP,
    inbox_counts,
    leader_inbox,
    staff_queue,
    staff_queue_counts,
)
from webapp.suggestions.services.reading import (  # noqa: F401
    answer_visible_to,
    attachment_for,
    count_suggestions,
    draft_visible_to,
    eager,
    get_suggestion,
    has_supported,
    list_suggestions,
    profile_suggestions,
    referenced_attachments,
    suggestion_page,
    supported_ids,
    visible_filter,
    with_people,
)
from webapp.suggestions.services.reminders import send_reminders  # noqa: F401
from webapp.suggestions.services.rules import (  # noqa: F401
    PAGE_ACTIONS,
    can_answer,
    can_answer_follow_up,
    can_assign,
    can_close,
    can_edit,
    can_follow_up,
    can_hide,
    can_hide_answer,
    can_rate,
    can_recategorise,
    can_screen,
    can_see_moderation_notes,
    can_support,
    can_unhide,
    can_unhide_answer,
    can_view,
    can_withdraw,
    can_withdraw_support,
    is_answering_leader,
    permissions,
)
from webapp.suggestions.services.settings import (  # noqa: F401
    ATTACHMENT_KIND,
    DEADLINE_TITLES,
    INBOX_TABS,
    SORTS,
    STAFF_QUEUES,
    calendar,
    min_sample,
    setting,
    support_threshold,
    today,
)
from webapp.suggestions.services.similar import SIMILAR_LIMIT, similar_suggestions  # noqa: F401
from webapp.suggestions.services.stats import latest_answered, latest_answers, leader_stats, ranking  # noqa: F401
from webapp.suggestions.services.submission import submit  # noqa: F401
from webapp.suggestions.services.timeline import (  # noqa: F401
    MODERATION_EVENT_KINDS,
    STAFF_ACTOR_NAME,
    STAFF_EVENT_KINDS,
    event_note_for,
    screening_note_for,
)
from webapp.suggestions.services.validation import suggestion_problems  # noqa: F401
