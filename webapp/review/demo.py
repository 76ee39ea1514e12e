"""Demo content for review, replayed through the services under the demo clock: a decided
paper award (results published), a project call in review (some reviews in, a draft, a
decline), and a call open for submissions. Demo reviewers are added here (password as
every demo account). PDFs are generated (one page each)."""
import io
from datetime import timedelta

from flask import current_app

from webapp.accounts.models import Role, User, UserRole
from webapp.core.db import utcnow
from webapp.core.timeutil import clock_at
from webapp.extensions import db
from webapp.review import services
from webapp.review.models import AssignmentState, ReviewAssignment, ReviewCall

DEMO_PASSWORD = "demo-password-2026"
REVIEWERS = [
    # username, name, institution, e-mail, expertise
    ("reviewer", None, None, None, ["新材料", "储能", "纳米材料", "工程技术"]),
    ("reviewer2", "钱立群", "某大学环境科学与工程学院", "qianlq@env.demo-univ.edu.cn", ["水环境", "生态修复", "环境科学"]),
    ("reviewer3", "冯海燕", "某市农业科学研究院", "fenghy@agri-academy.example.cn", ["作物育种", "智慧农业", "农业科学"]),
    ("reviewer4", "陈思远", "某大学计算机科学与技术学院", "chensy@cs.demo-univ.edu.cn", ["人工智能", "大数据", "信息技术"]),
    ("reviewer5", "宋雅琴", "某医科大学公共卫生学院", "songyq@med.demo-univ.edu.cn", ["公共卫生", "流行病学", "医药卫生"]),
    ("reviewer6", "韩卫东", "某市科学技术情报研究所", "hanwd@sti.example.cn", ["科技政策", "科技评价", "软科学"]),
]
CRITERIA = [{"name": "创新性", "weight": 0.3, "min": 1, "max": 10}, {"name": "科学性", "weight": 0.3, "min": 1, "max": 10},
            {"name": "应用价值", "weight": 0.25, "min": 1, "max": 10}, {"name": "规范性", "weight": 0.15, "min": 1, "max": 10}]
AWARD = {
    "title": "2026 年度市自然科学优秀学术论文评选",
    "description": "面向全市科技工作者，评选近两年公开发表或完成的优秀学术论文。实行双盲评审，每篇论文由 3 位同行专家独立评分，"
                   "按校准后的得分排序，评出一、二、三等奖和优秀奖。",
    "disciplines": ["农业科学", "医药卫生", "信息技术", "环境科学", "工程技术"],
    "papers": [
        ("member", "盐碱地水稻耐盐品种的分子标记辅助选育", ["作物育种", "分子标记", "农业科学"], "农业科学"),
        ("member2", "基层医院慢性病随访管理的干预效果评价", ["公共卫生", "慢性病", "医药卫生"], "医药卫生"),
        ("member3", "面向城市交通的多源大数据融合预测方法", ["大数据", "人工智能", "信息技术"], "信息技术"),
        ("member4", "城市黑臭水体生态修复的长期监测研究", ["水环境", "生态修复", "环境科学"], "环境科学"),
        ("member5", "高镍正极材料的表面包覆改性与循环稳定性", ["储能", "新材料", "工程技术"], "工程技术"),
        ("member6", "设施农业物联网环境调控系统的设计与应用", ["智慧农业", "物联网", "农业科学"], "农业科学"),
    ],
}
PROJECT = {
    "title": "2027 年度市科协软科学研究课题申报",
    "description": "围绕科技人才评价、科技社团建设、科普能力提升等方向征集软科学研究课题，择优立项资助。"
                   "申报书经专家网上评审，公平公正、好中选优。",
    "disciplines": ["软科学", "科技政策", "科普"],
    "papers": [
        ("member", "基层农技人员职称评价改革的实证研究", ["科技评价", "人才评价", "软科学"], "软科学"),
        ("member3", "科技社团承接政府职能转移的路径研究", ["科技政策", "科技社团", "软科学"], "科技政策"),
        ("member4", "社区科普设施使用效率评估与提升对策", ["科普", "公共服务", "软科学"], "科普"),
        ("member7", "青年科技工作者科研时间保障机制研究", ["科技政策", "青年人才", "软科学"], "科技政策"),
    ],
}
OPEN_CALL = {
    "title": "2027 年青年科技论文征集",
    "description": "面向 35 岁以下青年科技工作者征集学术论文，优秀论文推荐参加省青年科技论文评选。",
    "disciplines": ["信息技术", "工程技术", "环境科学", "农业科学", "医药卫生"],
}
QUALITY = [8.6, 7.9, 8.9, 7.2, 6.8, 5.6, 8.1, 7.0, 6.4, 7.6]
OFFSET = {"reviewer": -0.8, "reviewer2": 0.4, "reviewer3": 0.0, "reviewer4": 0.6, "reviewer5": -0.3, "reviewer6": 0.2}
COMMENTS = ["选题有现实意义，研究设计较为严谨，数据翔实；建议补充与已有方法的对比，并讨论结论的适用范围。",
            "论证清楚，结论有一定推广价值；部分图表表述不够规范，参考文献需要更新到近三年的成果。",
            "研究方法合理，但样本量偏小，统计检验需要说明；建议在讨论部分分析局限性。"]


def _reviewers(now):
    people = {}
    password_hash = None  # one hash for all (scrypt costs ~0.3 s a user)
    for username, name, institution, email, tags in REVIEWERS:
        user = User.query.filter_by(username=username).first()
        if user is None:
            if name is None:
                continue
            with clock_at(now - timedelta(days=200)):
                user = User(username=username, email=email, display_name=name, institution=institution,
                            discipline_tags=tags[:2])
                if password_hash is None:
                    user.set_password(DEMO_PASSWORD)
                    password_hash = user.password_hash
                user.password_hash = password_hash
                user.role_grants.append(UserRole(role=Role.member.value))
                db.session.add(user)
                db.session.flush()
        if not user.has_role("reviewer"):
            user.role_grants.append(UserRole(role=Role.reviewer.value))
        if services.profile_of(user.id) is None:
            services.save_profile(user, tags, [])
        people[username] = user
    db.session.flush()
    return people


def _pdf(title_no):
    return io.BytesIO(services.minimal_pdf([f"Manuscript {title_no}", "Demo PDF generated for Scientists' Home",
                                            "Abstract, methods, results and discussion."], author="Demo Author"))


def _submit(call, spec, when):
    username, title, keywords, discipline = spec[:4]
    author = User.query.filter_by(username=username).first()
    if author is None:
        return None
    with clock_at(when):
        return services.submit(author, call, title,
                               f"本文围绕“{title}”开展研究，介绍研究背景、方法与主要结论，并讨论成果在本市的应用前景。"
                               "研究数据来自近三年的实地调查与公开统计资料。", keywords, discipline,
                               [{"name": author.real_name or author.display_name, "institution": author.institution,
                                 "email": author.email}], _pdf(title[:8].encode("ascii", "ignore").decode() or "demo"))


def _review(a, when, draft=False, n=0):
    score = max(1.0, min(10.0, QUALITY[a.submission_id % len(QUALITY)] + OFFSET.get(a.reviewer.username, 0)))
    scores = {c["name"]: round(max(1, min(10, score + d)), 1) for c, d in zip(CRITERIA, (0.3, 0, -0.4, 0.2), strict=True)}
    rec = "strong_accept" if score >= 8.5 else "accept" if score >= 7 else "borderline" if score >= 6 else "reject"
    with clock_at(when):
        services.save_review(a.reviewer, a, scores, rec, COMMENTS[n % len(COMMENTS)],
                             "总体水平较高，可按得分排序确定等级。" if not draft else "", submit=not draft)


LEVELS = ["first", "second", "third", "excellent", "excellent", "reject"]


def _dismiss_shared_domain(staff, call, keep=0):
    """Every demo account shares one mail domain, which the automatic check flags as a shared
    institution: organisers dismiss those (leaving `keep` for the conflicts list to show)."""
    pending = [c for c in services.conflicts_of(call) if c.state == "pending" and "域名" in c.note]
    for c in pending[keep:]:
        services.decide_conflict(staff, c.id, confirm=False)


def seed_demo():
    if ReviewCall.query.filter_by(title=AWARD["title"]).first() is not None:
        return "Demo review calls already present; nothing to do."
    with current_app.test_request_context("/"):
        return _seed()


def _seed():
    now = utcnow()
    staff = User.query.filter_by(username="staff").first()
    if staff is None:
        return "review: no staff account; nothing to do."
    _reviewers(now)
    day = timedelta(days=1)
    # A decided paper award.
    with clock_at(now - 130 * day):
        award = services.create_call(staff, AWARD["title"], "paper_award", "double_blind", now - 120 * day,
                                     now - 90 * day, now - 60 * day, reviewers_per_submission=3, max_load=4,
                                     criteria=CRITERIA, description=AWARD["description"],
                                     disciplines=AWARD["disciplines"])
    for i, spec in enumerate(AWARD["papers"]):
        _submit(award, spec, now - (118 - 4 * i) * day)
    with clock_at(now - 89 * day):
        _dismiss_shared_domain(staff, award)
    with clock_at(now - 88 * day):
        services.confirm(staff, award)
    for n, a in enumerate(ReviewAssignment.query.filter_by(call_id=award.id, state="assigned").all()):
        _review(a, now - (80 - n) * day, n=n)
    with clock_at(now - 55 * day):
        rows, _offsets = services.ranking(award)
        for row, level in zip(rows, LEVELS, strict=False):
            services.decide(staff, row["submission"], level)
        services.publish(staff, award)
    # A project call in review.
    with clock_at(now - 50 * day):
        project = services.create_call(staff, PROJECT["title"], "project_application", "double_blind",
                                       now - 45 * day, now - 5 * day, now + 15 * day, reviewers_per_submission=3,
                                       max_load=3, criteria=CRITERIA, description=PROJECT["description"],
                                       disciplines=PROJECT["disciplines"])
    for i, spec in enumerate(PROJECT["papers"]):
        _submit(project, spec, now - (40 - 6 * i) * day)
    with clock_at(now - 4 * day):
        _dismiss_shared_domain(staff, project, keep=1)
        services.confirm(staff, project)
    assigned = ReviewAssignment.query.filter_by(call_id=project.id, state="assigned").order_by(ReviewAssignment.id).all()
    for n, a in enumerate(assigned):
        if n % 3 == 0:
            _review(a, now - 2 * day, n=n)
        elif n % 5 == 1:
            _review(a, now - 1 * day, draft=True, n=n)
        elif n == len(assigned) - 1:
            with clock_at(now - day):
                services.decline(a.reviewer, a, "近期出差，无法在截止前完成评审")
    # A call open for submissions.
    with clock_at(now - 10 * day):
        services.create_call(staff, OPEN_CALL["title"], "paper_award", "double_blind", now - 7 * day, now + 23 * day,
                             now + 45 * day, reviewers_per_submission=3, max_load=5, criteria=CRITERIA,
                             description=OPEN_CALL["description"], disciplines=OPEN_CALL["disciplines"])
    db.session.flush()
    done = ReviewAssignment.query.filter_by(state=AssignmentState.submitted.value).count()
    return f"Created 3 demo review calls ({done} reviews submitted)."
