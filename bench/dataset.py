"""A realistic data set at a given scale, for every benchmark: `generate(db, n)`.

n suggestions by n/25 members (at least 200) to 30 verified leaders over two years, with
what a real association accumulates: the state depends on age (most old suggestions are
answered and rated, a few still open and long overdue; recent ones submitted, accepted or
in progress), 15 % private, 1 % hidden; co-signatures with a heavy tail (≈ 4 per
suggestion: ~200k at 50k), a timeline per suggestion (≈ 4.3 events: 210k at 50k), answers,
follow-ups, ratings, the staff's audit entries and a member's notifications. Bodies are
Chinese, 200–1,000 characters.

Rows go in by bulk INSERTs (Core `executemany`, 5,000 a statement), not through the
services: 50k suggestions take about a minute. What the services would have stored on the
way — support counts, the figures an answer settles, the leaders' figures — is computed
with the services' own functions (`figures.settled`, `figures.recount`).

Accounts that benchmarks sign in as (password BENCH_PASSWORD): bench_member (author of
some suggestions, with notifications), bench_leader (= lead0, the first leader),
bench_staff.
"""
import random
from datetime import timedelta

from werkzeug.security import generate_password_hash

BENCH_PASSWORD = "bench-password-2026"
LEADERS = 30
CHUNK = 5000

PHRASES = [
    "建议进一步优化科研项目经费管理流程", "减少科研人员填表报销等事务性负担", "完善青年科技人才的评价与激励机制",
    "加大对基础研究的长期稳定支持", "推动科研仪器设备开放共享", "建立跨学科协同创新平台",
    "鼓励企业与高校院所联合攻关关键核心技术", "改进科技成果转化的收益分配", "加强科学普及与科学家精神宣传",
    "为基层科技工作者提供更多培训机会", "简化学术交流出访审批手续", "完善学术不端行为的调查处理程序",
    "支持女性科技人才在孕哺期继续开展研究", "加强对科技社团的指导和服务", "推进科研数据的规范管理与开放",
    "优化人才项目申报的材料要求", "减少重复检查和多头评审", "提高科研助理岗位的待遇与稳定性",
    "建设面向中小企业的技术服务平台", "在县域推广实用农业技术", "加强科技伦理审查能力建设",
    "搭建海外科技人才交流的渠道", "改善实验室安全管理与培训", "支持学会承接政府转移职能",
    "开展面向中小学生的科学实践活动", "完善科技奖励的提名与评审机制", "扩大科研经费使用自主权",
    "加快科研信用体系建设", "建立科研人员心理健康支持机制", "鼓励退休科技工作者继续发挥作用",
]
PUNCT = "，。；"
REPLIES = ["感谢您的建议。", "我们已会同相关部门认真研究。", "该问题已纳入明年的重点工作。",
           "具体措施将在近期公布。", "欢迎您继续关注并提出宝贵意见。", "相关试点已在部分单位启动。"]


def chinese_text(rnd, low, high):
    length = rnd.randint(low, high)
    parts = []
    size = 0
    while size < length:
        phrase = rnd.choice(PHRASES) + rnd.choice(PUNCT)
        parts.append(phrase)
        size += len(phrase)
    return "".join(parts)[:length].rstrip("，；") + "。"


def _state_for(rnd, age_days):
    if age_days > 60:
        table = (("closed", 65), ("answered", 20), ("not_accepted", 13), ("assigned", 2))
    elif age_days > 20:
        table = (("answered", 45), ("closed", 20), ("assigned", 20), ("not_accepted", 10), ("accepted", 5))
    elif age_days > 5:
        table = (("assigned", 50), ("answered", 20), ("accepted", 10), ("not_accepted", 10), ("submitted", 10))
    else:
        table = (("submitted", 60), ("accepted", 20), ("assigned", 15), ("not_accepted", 5))
    return rnd.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def _insert(db, table, rows):
    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start:start + CHUNK])


def generate(db, n, seed=7, log=print):
    """Fill an empty, migrated database with the data set; returns a dict of useful ids."""
    from webapp.accounts.models import User, UserRole
    from webapp.core.db import utcnow
    from webapp.core.models import AuditLog
    from webapp.core.timeutil import local_zone
    from webapp.core.workdays import add_working_days, local_date
    from webapp.notifications.models import Notification
    from webapp.suggestions import services
    from webapp.suggestions.models import (
        LeaderAnswer,
        Suggestion,
        SuggestionEvent,
        SuggestionFollowUp,
        SuggestionRating,
        SuggestionSupport,
    )
    from webapp.suggestions.services import figures

    rnd = random.Random(seed)
    services.ensure_defaults()
    db.session.flush()
    categories = [c.id for c in services.categories()]
    reasons = [r.id for r in services.screening_reasons()]
    cal, zone, now = services.calendar(), local_zone(), utcnow()
    screen_days, answer_days = services.setting("SUGGESTION_SCREEN_DAYS"), services.setting("SUGGESTION_ANSWER_DAYS")
    threshold = services.support_threshold()

    # --- people
    password = generate_password_hash(BENCH_PASSWORD, method="pbkdf2:sha256:1000")
    n_members = max(200, n // 25)
    users, roles = [], []
    uid = 0

    def person(username, display, role_list, leader=False):
        nonlocal uid
        uid += 1
        row = {"id": uid, "username": username, "email": f"{username}@bench.example.org", "password_hash": password,
               "display_name": display, "discipline_tags": [], "created_at": now - timedelta(days=800),
               "verified_at": None, "real_name": None, "organisation": None, "position": None}
        if leader:
            row.update(verified_at=now - timedelta(days=790), real_name=f"领导{uid}", organisation="科协",
                       position=rnd.choice(["副主席", "秘书长", "副秘书长", "党组成员"]))
        users.append(row)
        roles.extend({"user_id": uid, "role": r} for r in role_list)
        return uid

    staff_id = person("bench_staff", "科协工作人员", ["member", "staff"])
    leader_ids = [person("bench_leader" if i == 0 else f"lead{i}", f"领导{i}", ["member", "leader"], leader=True)
                  for i in range(LEADERS)]
    member_ids = [person("bench_member" if i == 0 else f"member{i}", f"会员{i}", ["member"])
                  for i in range(n_members)]
    _insert(db, User.__table__, users)
    _insert(db, UserRole.__table__, roles)
    log(f"  {len(users)} people")

    # --- suggestions and everything that hangs off them
    suggestions, events, answers, follow_ups, ratings, supports, audit = [], [], [], [], [], [], []

    def event(sid, kind, actor, when, note="", subject=None):
        events.append({"suggestion_id": sid, "kind": kind, "actor_id": actor, "subject_id": subject, "note": note,
                       "created_at": when})

    def later(start, low_days, high_days):
        return min(now, start + timedelta(days=rnd.uniform(low_days, high_days)))

    for sid in range(1, n + 1):
        age = rnd.uniform(0, 730)
        created = now - timedelta(days=age)
        state = _state_for(rnd, age)
        author = member_ids[0] if sid % 97 == 0 else rnd.choice(member_ids)
        leader = rnd.choice(leader_ids)
        visibility = "private" if rnd.random() < 0.15 else "public"
        row = {"id": sid, "author_id": author, "title": f"关于{rnd.choice(PHRASES)}的建议（{sid}）",
               "body": chinese_text(rnd, 200, 1000), "category_id": rnd.choice(categories),
               "addressee_id": leader if rnd.random() < 0.4 else None, "visibility": visibility, "state": state,
               "created_at": created,
               "screen_due_date": add_working_days(local_date(created, zone), screen_days, cal),
               "screened_at": None, "screened_by_id": None, "screening_reason_id": None, "screening_note": None,
               "accepted_at": None, "due_date": None, "long_due_date": None, "assigned_leader_id": None,
               "assigned_at": None, "answered_at": None, "closed_at": None, "support_count": 0,
               "threshold_reached_at": None, "hidden_at": None, "hidden_reason": None, "hidden_by_id": None,
               "answer_working_days": None, "answer_deadline": None}
        event(sid, "submitted", author, created)
        if state != "submitted":
            screened = later(created, 0.1, 3)
            row.update(screened_at=screened, screened_by_id=staff_id)
            if state == "not_accepted":
                row["screening_reason_id"] = rnd.choice(reasons)
                event(sid, "not_accepted", staff_id, screened, note="不属于受理范围")
                audit.append({"actor_id": staff_id, "action": "suggestion.not_accept", "object_type": "suggestion",
                              "object_id": sid, "summary": f"不予受理建议“{row['title']}”", "created_at": screened})
            else:
                start = local_date(screened, zone)
                row.update(accepted_at=screened, due_date=add_working_days(start, answer_days, cal),
                           long_due_date=add_working_days(start, 2 * answer_days, cal))
                event(sid, "accepted", staff_id, screened, note=f"应于 {row['due_date'].isoformat()} 前答复")
                audit.append({"actor_id": staff_id, "action": "suggestion.accept", "object_type": "suggestion",
                              "object_id": sid, "summary": f"受理建议“{row['title']}”", "created_at": screened})
        if state in ("assigned", "answered", "closed"):
            assigned = later(row["screened_at"], 0, 1)
            row.update(assigned_leader_id=leader, assigned_at=assigned)
            event(sid, "assigned", staff_id, assigned, subject=leader)
            audit.append({"actor_id": staff_id, "action": "suggestion.assigned", "object_type": "suggestion",
                          "object_id": sid, "summary": f"交办建议“{row['title']}”", "created_at": assigned})
        if state in ("answered", "closed"):
            answered = later(row["assigned_at"], 0.5, 35)
            row["answered_at"] = answered
            row["answer_working_days"], row["answer_deadline"] = figures.settled(
                row["accepted_at"], answered, row["due_date"], row["long_due_date"], cal, zone)
            answers.append({"suggestion_id": sid, "leader_id": leader, "body": "".join(rnd.sample(REPLIES, 4)) * 3,
                            "created_at": answered, "updated_at": answered, "published_at": answered})
            event(sid, "answered", leader, answered)
            if rnd.random() < 0.1:
                asked = later(answered, 0, 5)
                replied = later(asked, 0, 5) if rnd.random() < 0.8 else None
                follow_ups.append({"suggestion_id": sid, "question": "请问具体的落实时间表是什么？", "asked_at": asked,
                                   "answer": "预计在下一季度完成。" if replied else None, "answered_at": replied,
                                   "answered_by_id": leader if replied else None})
                event(sid, "follow_up", author, asked)
                if replied:
                    event(sid, "follow_up_answered", leader, replied)
        if state == "closed":
            closed = later(row["answered_at"], 0, 10)
            row["closed_at"] = closed
            if rnd.random() < 0.9:
                value = rnd.choices(["satisfied", "basically", "unsatisfied"], weights=[6, 3, 2])[0]
                ratings.append({"suggestion_id": sid, "leader_id": leader, "value": value, "comment": "",
                                "created_at": closed})
                event(sid, "rated", author, closed, note={"satisfied": "满意", "basically": "基本满意",
                                                          "unsatisfied": "不满意"}[value])
            else:
                event(sid, "closed", staff_id, closed)
        # Co-signing opens on acceptance (先审后发): none before screening, none on a refusal.
        if visibility == "public" and state not in ("submitted", "not_accepted"):
            count = min(len(member_ids) - 1, int(rnd.paretovariate(1.08)) - 1)
            if count:
                row["support_count"] = count
                until = row["answered_at"] or now
                for signer in rnd.sample(member_ids, count):
                    supports.append({"suggestion_id": sid, "user_id": signer,
                                     "created_at": min(until, created + timedelta(hours=rnd.uniform(1, 400)))})
                if count >= threshold:
                    row["threshold_reached_at"] = min(until, created + timedelta(days=3))
                    event(sid, "threshold", None, row["threshold_reached_at"])
        if rnd.random() < 0.01 and state != "submitted":
            row.update(hidden_at=later(created, 1, 5), hidden_reason="含不当言论", hidden_by_id=staff_id)
            event(sid, "hidden", staff_id, row["hidden_at"], note="含不当言论")
        suggestions.append(row)

    events.sort(key=lambda e: (e["suggestion_id"], e["created_at"]))
    for table, rows in ((Suggestion.__table__, suggestions), (SuggestionEvent.__table__, events),
                        (LeaderAnswer.__table__, answers), (SuggestionFollowUp.__table__, follow_ups),
                        (SuggestionRating.__table__, ratings), (SuggestionSupport.__table__, supports),
                        (AuditLog.__table__, audit)):
        _insert(db, table, rows)
        log(f"  {len(rows)} {table.name}")
    notes = [{"user_id": member_ids[0], "actor_id": rnd.choice(leader_ids), "kind": "suggestion.answered",
              "title": f"您的建议已答复（{i}）", "body": "", "link": "/suggestions/1",
              "created_at": now - timedelta(hours=i), "read_at": None if i < 20 else now} for i in range(300)]
    _insert(db, Notification.__table__, notes)
    figures.recount(db.session.connection())
    if db.engine.dialect.name == "postgresql":
        for name in ("users", "suggestions"):
            db.session.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                       f"(SELECT max(id) FROM {name}))"))
        db.session.execute(db.text("ANALYZE"))
    else:
        db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    return {"leader_ids": leader_ids, "member_id": member_ids[0], "staff_id": staff_id, "n": n,
            "supports": len(supports), "events": len(events), "answers": len(answers)}
