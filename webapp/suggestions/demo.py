"""The demo suggestions of `flask seed-demo`: a coherent six months of history.

Each suggestion of content/suggestions.json is walked through the real services, each step
under `core.timeutil.clock_at` at the moment it happens — submission, co-signatures,
screening, assignment, answer, follow-up, rating, staff closing — so every timestamp the
product stores (timeline, deadlines, notifications, audit log) is the one the product
itself would have written then. Steps are placed in office hours on working days of the
configured calendar (`after` counts working days after the step before); a step that would
fall after now is not taken, so the suggestion stays where it is today. A title already
present is skipped, so a second run adds nothing.
"""
import zlib
from datetime import UTC, datetime, time, timedelta

from webapp.core.db import utcnow
from webapp.core.timeutil import clock_at, local_zone
from webapp.core.workdays import add_working_days, local_date
from webapp.suggestions import services
from webapp.suggestions.services import mailing


def _moment(day, hour, minute=0):
    """Naive UTC of a local wall-clock time on `day`."""
    local = datetime.combine(day, time(hour, minute), tzinfo=local_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _jitter(text, spread):
    """A stable pseudo-random number of minutes in [0, spread) for `text` (same every run)."""
    return zlib.crc32(text.encode("utf-8")) % spread


class _Schedule:
    """Moments of one suggestion's steps, each after the one before, never after `now`."""

    def __init__(self, title, now):
        self.title, self.now, self.cal = title, now, services.calendar()

    def after(self, previous, working_days, hour):
        """`working_days` working days after `previous` (0: the same day, a little later), at about `hour`."""
        day = local_date(previous, local_zone())
        if working_days <= 0:
            return previous + timedelta(minutes=20 + _jitter(self.title + str(hour), 40))
        day = add_working_days(day, working_days, self.cal)
        moment = _moment(day, hour, _jitter(self.title + str(hour), 50))
        return max(moment, previous + timedelta(minutes=5))

    def due(self, moment):
        return moment is not None and moment < self.now


def _submission_moment(spec):
    day = services.today() - timedelta(days=spec["submitted_days_ago"])
    # Submitted any hour of the day (people write in the evening too).
    return _moment(day, 8 + _jitter(spec["title"], 13), _jitter(spec["title"] + "m", 60))


def _seed_one(spec, people, staff, categories, reasons, now):
    from webapp.core import ratelimit

    plan = _Schedule(spec["title"], now)
    author = people[spec["author"]]
    category = categories.get(spec["category"]) or next(iter(categories.values()))
    addressee = people.get(spec.get("addressee") or "")
    submitted = _submission_moment(spec)
    with clock_at(submitted):
        s = services.submit(author, spec["title"], spec["body"], category.id, getattr(addressee, "id", None),
                            spec.get("visibility", "public"))
    # The demo author writes several suggestions; the posting limit is for people.
    ratelimit.reset(f"suggestion-post:{author.id}")

    screen = spec.get("screen")
    withdraw = spec.get("withdraw")
    screened = plan.after(submitted, screen["after"], 10) if screen else None
    answer = spec.get("answer")

    if withdraw:
        moment = plan.after(submitted, withdraw["after"], 11)
        if plan.due(moment):
            with clock_at(moment):
                services.withdraw(author, s, withdraw.get("reason", ""))
        return s
    if not plan.due(screened):
        return s
    with clock_at(screened):
        if screen["accept"]:
            services.accept(staff, s, note=screen.get("note", ""))
        else:
            services.refuse(staff, s, reason_id=reasons[screen["reason"]].id, note=screen.get("note", ""))
            return s

    # Published on acceptance (先审后发): co-signatures come in over the days after it, before any answer.
    supporters = spec.get("supporters", [])
    if supporters:
        end = min(screened + timedelta(days=6), now - timedelta(minutes=5))
        if answer:
            end = min(end, plan.after(screened, answer["after"], 16) - timedelta(hours=1))
        span = max(end - screened, timedelta(minutes=len(supporters) + 1))
        for i, username in enumerate(supporters):
            with clock_at(screened + span * (i + 1) / (len(supporters) + 1)):
                services.support(people[username], s)

    last = screened
    assign = spec.get("assign")
    if assign and s.assigned_leader_id is None:
        moment = plan.after(screened, assign.get("after", 0), 14)
        if not plan.due(moment):
            return s
        with clock_at(moment):
            services.assign(staff, s, people[assign["to"]].id)
        last = moment
    if not answer or s.assigned_leader_id is None:
        return s
    # Working days are counted from acceptance, as the deadline is.
    answered = max(plan.after(screened, answer["after"], 16), last + timedelta(minutes=30))
    if not plan.due(answered):
        return s
    with clock_at(answered):
        services.save_answer(s.assigned_leader, s, answer["body"])
    last = answered

    follow_up = spec.get("follow_up")
    if follow_up:
        asked = plan.after(answered, follow_up["after"], 20)
        if not plan.due(asked):
            return s
        with clock_at(asked):
            services.ask_follow_up(author, s, follow_up["question"])
        last = asked
        if follow_up.get("reply"):
            replied = plan.after(asked, follow_up["reply_after"], 11)
            if not plan.due(replied):
                return s
            with clock_at(replied):
                services.answer_follow_up(s.assigned_leader, s, follow_up["reply"])
            last = replied
    rating = spec.get("rating")
    if rating:
        rated = plan.after(last, rating["after"], 21)
        if plan.due(rated):
            with clock_at(rated):
                services.rate(author, s, rating["value"], rating.get("comment", ""))
        return s
    close = spec.get("close")
    if close:
        closed = _moment(local_date(last, local_zone()) + timedelta(days=close["after"]), 9, 30)
        if plan.due(closed):
            with clock_at(closed):
                services.close(staff, s, close.get("note", ""))
    return s


def seed_demo_suggestions():
    """Load content/suggestions.json as history (oldest first); returns the titles created."""
    from webapp.accounts import services as accounts
    from webapp.core.content import load_content
    from webapp.suggestions.models import Suggestion

    services.ensure_defaults()
    people = accounts.users_by_username()
    staff = people["staff"]
    categories = {c.name: c for c in services.categories()}
    reasons = {r.title: r for r in services.screening_reasons()}
    now = utcnow()
    specs = sorted(load_content("suggestions.json")["suggestions"], key=lambda spec: -spec["submitted_days_ago"])
    existing = {title for (title,) in Suggestion.query.with_entities(Suggestion.title)}
    created = []
    with mailing.suppressed():
        for spec in specs:
            if spec["title"] in existing:
                continue
            _seed_one(spec, people, staff, categories, reasons, now)
            created.append(spec["title"])
    return created


def seed_demo():
    created = seed_demo_suggestions()
    if created:
        return f"Created {len(created)} demo suggestions."
    return "Demo suggestions already present; nothing to do."
