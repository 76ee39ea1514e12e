"""Leaders' pages: the leader's inbox, each verified leader's public page, the association-wide ranking.

The figures come from services.leader_stats / services.ranking, which count private
suggestions but never show them: these pages list only what everyone may read, and look
the same to every visitor.
"""
from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.core.pagination import paginate, parse_page_args
from webapp.suggestions import services

bp = Blueprint("leaders", __name__, url_prefix="/leaders", template_folder="templates")


@bp.app_template_global()
def leader_url(user):
    """A verified leader's public page: where their name leads (macros.user_name)."""
    return url_for("leaders.detail", leader_id=user.id)


@bp.app_template_filter("percent")
def percent(value):
    """A rate in [0, 1] as a percentage with at most one decimal: 0.6667 → "66.7%"; None → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


@bp.app_template_filter("workdays")
def workdays(value):
    """A number of working days without a needless ".0": 3.0 → "3", 2.5 → "2.5"; None → "—"."""
    if value is None:
        return "—"
    return f"{value:g}"


def _rules():
    """The rules behind the figures, with this site's numbers (shown next to them)."""
    days = current_app.config["SUGGESTION_ANSWER_DAYS"]
    return {"answer_days": days, "long_days": 2 * days, "min_sample": services.min_sample()}


@bp.route("/")
def ranking():
    return render_template("suggestions/leader_ranking.html", rows=services.ranking(), rules=_rules())


@bp.route("/<int:leader_id>")
def detail(leader_id):
    leader = services.get_leader(leader_id)
    return render_template("suggestions/leader_detail.html", leader=leader, stats=services.leader_stats(leader),
                           answers=services.latest_answers(leader), rules=_rules(),
                           responsibilities=services.responsibilities(leader))


@bp.route("/inbox")
@login_required
def inbox():
    tab = request.args.get("tab", "pending")
    query = services.leader_inbox(current_user, tab)  # 403 for anyone but a leader, 404 for an unknown tab
    page, per_page = parse_page_args(request.args, default_per_page=20)
    counts = services.inbox_counts(current_user)
    result = paginate(query, page, per_page, total=counts[tab])
    services.with_people(result.items)
    deadlines = {s.id: services.deadline(s) for s in result.items}
    return render_template("suggestions/leader_inbox.html", tab=tab, tabs=services.INBOX_TABS,
                           counts=counts, page=result, deadlines=deadlines)
