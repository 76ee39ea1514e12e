"""`flask suggestions …` commands (deadline reminders for cron, default lists) and the demo
suggestions that `flask seed-demo` loads from content/suggestions.json."""
from datetime import UTC, datetime, time, timedelta

import click
from flask import current_app

from webapp.core.text import quoted
from webapp.core.uow import transactional
from webapp.suggestions import services


@click.group("suggestions", help="Suggestions to leaders (建言献策): reminders and managed lists.")
def suggestions_cli():
    pass


@suggestions_cli.command("remind")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD, Asia/Shanghai). Default: today.")
@transactional
def remind(on):
    """Remind leaders of answers due soon (idempotent, for cron).

    Sends each assigned leader one notification when an answer is due within
    SUGGESTION_REMIND_DAYS working days (or overdue). Idempotent, meant for cron (e.g. daily at 08:00): each assigned leader is reminded once
    per suggestion; a reminded suggestion is skipped until it is reassigned, so running the
    command twice sends nothing the second time.
    """
    sent = services.send_reminders(on=on.date() if on else None)
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")


@suggestions_cli.command("defaults")
@transactional
def defaults():
    """Create the default categories and screening reasons that are missing (idempotent)."""
    services.ensure_defaults()
    click.echo(f"{len(services.categories(include_inactive=True))} categories, "
               f"{len(services.screening_reasons(include_inactive=True))} screening reasons.")


# ---------------------------------------------------------------- demo content

def seed_demo_suggestions():
    """Load content/suggestions.json through the real services, then backdate each one so
    waiting times, overdue answers and statistics show (demo only). Suggestions whose
    title exists are skipped, so a second run adds nothing. Returns the titles created."""
    from webapp.accounts import services as accounts
    from webapp.core import audit, ratelimit
    from webapp.core.content import load_content
    from webapp.suggestions.models import ScreeningReason, Suggestion, SuggestionAction, SuggestionCategory

    services.ensure_defaults()
    people = accounts.users_by_username()
    staff = people["staff"]
    created = []
    for spec in load_content("suggestions.json")["suggestions"]:
        if Suggestion.query.filter_by(title=spec["title"]).first() is not None:
            continue
        author = people[spec["author"]]
        category = SuggestionCategory.query.filter_by(name=spec["category"]).first() or services.categories()[0]
        addressee = people.get(spec.get("addressee") or "")
        s = services.submit(author, spec["title"], spec["body"], category.id,
                            getattr(addressee, "id", None), spec.get("visibility", "public"))
        # The demo author writes several suggestions in a row; the posting limit is for people.
        ratelimit.reset(f"suggestion-post:{author.id}")
        screen = spec.get("screen")
        if screen and screen["accept"]:
            services.accept(staff, s, note=screen.get("note", ""))
            # Published once accepted (先审后发): co-signing opens then.
            for username in spec.get("supporters", []):
                services.support(people[username], s)
        elif screen:
            reason = (ScreeningReason.query.filter_by(title=screen["reason"], active=True).first()
                      or services.screening_reasons()[0])
            services.refuse(staff, s, reason_id=reason.id, note=screen.get("note", ""))
        if spec.get("assign") and s.assigned_leader_id is None:
            services.assign(staff, s, people[spec["assign"]].id)
        if spec.get("answer"):
            services.save_answer(s.assigned_leader, s, spec["answer"])
        if spec.get("follow_up"):
            services.ask_follow_up(author, s, spec["follow_up"]["question"])
            if spec["follow_up"].get("answer"):
                services.answer_follow_up(s.assigned_leader, s, spec["follow_up"]["answer"])
        if spec.get("rating"):
            services.rate(author, s, spec["rating"]["value"], spec["rating"].get("comment", ""))
        if spec.get("days_ago"):
            _backdate(s, spec["days_ago"])
            audit.record(None, SuggestionAction.seed, "suggestion", s.id,
                         summary=f"载入演示建议{quoted(s.title)}（时间已回溯）")
        created.append(s.title)
    return created


def _backdate(s, days_ago):
    """Move a demo suggestion's timestamps into the past and recompute its deadlines from
    the backdated submission and acceptance, as if it had happened then (demo only)."""
    from webapp.core.db import utcnow
    from webapp.core.timeutil import local_zone
    from webapp.core.workdays import add_working_days, local_date
    from webapp.extensions import db
    from webapp.suggestions.models import SuggestionSupport

    now = utcnow()
    zone, cal, config = local_zone(), services.calendar(), current_app.config
    steps = ["submitted", "screened", "assigned", "answered", "follow_up", "follow_up_answered", "rated"]

    def at(key, default=None):
        days = days_ago.get(key, default)
        if days is None:
            return None
        # Office hours of that local day, each step a little later, so the timeline keeps its order.
        local = datetime.combine(services.today() - timedelta(days=days), time(9, 12), tzinfo=zone)
        local += timedelta(minutes=41 * steps.index(key))
        return min(local.astimezone(UTC).replace(tzinfo=None), now)

    submitted = at("submitted")
    screened = at("screened")
    assigned = at("assigned", days_ago.get("screened"))
    answered = at("answered")
    asked, replied, rated = at("follow_up"), at("follow_up_answered"), at("rated")
    old_due = s.due_date

    s.created_at = submitted
    s.screen_due_date = add_working_days(local_date(submitted, zone), config["SUGGESTION_SCREEN_DAYS"], cal)
    if s.screened_at and screened:
        s.screened_at = screened
    if s.accepted_at and screened:
        start = local_date(screened, zone)
        n = config["SUGGESTION_ANSWER_DAYS"]
        s.accepted_at = screened
        s.due_date = add_working_days(start, n, cal)
        s.long_due_date = add_working_days(start, 2 * n, cal)
    if s.assigned_at and assigned:
        s.assigned_at = assigned
    if s.answer is not None and answered:
        s.answer.created_at = s.answer.updated_at = s.answer.published_at = answered
        s.answered_at = answered
    if s.follow_up is not None and asked:
        s.follow_up.asked_at = asked
        if s.follow_up.answered_at and replied:
            s.follow_up.answered_at = replied
    if s.rating is not None and rated:
        s.rating.created_at = rated
        s.closed_at = rated
    when = {"submitted": submitted, "accepted": screened, "not_accepted": screened, "assigned": assigned,
            "reassigned": assigned, "answered": answered, "follow_up": asked, "follow_up_answered": replied,
            "rated": rated}
    for event in s.events:
        if when.get(event.kind):
            event.created_at = when[event.kind]
        if event.kind == "accepted" and old_due and s.due_date:
            event.note = event.note.replace(old_due.isoformat(), s.due_date.isoformat())
    # Co-signed after publication (acceptance), before the answer closed the signatures.
    signed_from, signed_until = screened or submitted, answered or now
    for i, row in enumerate(SuggestionSupport.query.filter_by(suggestion_id=s.id).order_by(SuggestionSupport.id)):
        row.created_at = min(signed_from + timedelta(hours=3 * (i + 1)), signed_until)
    db.session.flush()


def seed_demo():
    created = seed_demo_suggestions()
    if created:
        return f"Created {len(created)} demo suggestions."
    return "Demo suggestions already present; nothing to do."
