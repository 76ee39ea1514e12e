"""The demo salons of `flask seed-demo`: a season, replayed through the real services.

Each salon is proposed, filed and approved under `core.timeutil.clock_at` at the moments
they would have happened (filed at least SALON_FILE_DAYS_BEFORE days ahead), members
register over the days after approval, and past salons have their check-ins, minutes and
filing — so the calendar, the waiting list, the audit log and the report agree. A title
already present is skipped: a second run adds nothing.
"""
from datetime import UTC, datetime, time, timedelta

from webapp.accounts.models import User
from webapp.core.db import utcnow
from webapp.core.timeutil import clock_at, local_zone
from webapp.salons import services
from webapp.salons.models import Salon, SalonRoom

ROOMS = [("科协学术报告厅", "市科协大楼 2 楼", 120), ("第一会议室", "市科协大楼 5 楼 501", 30),
         ("第二会议室", "市科协大楼 5 楼 508", 16), ("科技馆多功能厅", "市科技馆 3 楼", 200)]

# Birth years on some demo profiles, so that the report's share under 45 has figures.
BIRTH_YEARS = {"member": 1991, "member2": 1988, "member3": 1979, "member4": 1994, "member5": 1970,
               "member6": 1996, "leader2": 1975}

# days: start relative to today (local); room: index in ROOMS or None (address / online).
SALONS = [
    {"title": "二维材料中的拓扑物态：从理论预言到实验观测", "discipline": "物理学", "host": "member",
     "days": -56, "hour": 14, "hours": 3, "room": 1, "capacity": 30,
     "speakers": [{"user": "member3"}, {"name": "陈思远", "affiliation": "复旦大学物理学系"}],
     "registrants": ["member2", "member4", "member5", "member6", "member7", "member8", "leader2"],
     "attended": ["member2", "member4", "member5", "member6", "leader2"], "report_after": 3,
     "description": "围绕石墨烯、过渡金属硫族化合物等二维体系中的拓扑绝缘态和量子反常霍尔效应，"
                    "两位主讲人分别介绍第一性原理计算的预言和扫描隧道谱、输运测量的最新结果。\n\n"
                    "欢迎凝聚态物理、材料科学方向的青年学者和研究生参加，会后自由讨论。",
     "minutes": "本次沙龙共 5 人签到出席。\n\n1. 主讲人介绍了高通量计算筛选二维拓扑材料的方法与候选体系；\n"
                "2. 陈思远博士报告了转角双层体系中关联绝缘态的输运测量；\n3. 讨论环节聚焦样品质量与计算精度的匹配问题，"
                "与会者建议建立本地共享的样品制备平台。"},
    {"title": "大模型时代的科研数据治理与开放共享", "discipline": "信息技术", "host": "member2",
     "days": -30, "hour": 19, "hours": 2, "room": None, "format": "online", "capacity": 200,
     "online_url": "https://meeting.example.cn/j/20261031",
     "speakers": [{"user": "member2"}, {"name": "刘晓雯", "affiliation": "市数据资源管理局"}],
     "registrants": ["member", "member3", "member4", "member6", "member7", "member8"],
     "attended": ["member", "member4", "member6", "member7"], "report_after": 13,
     "description": "讨论科研数据的分级分类、脱敏与授权使用，以及训练大模型时数据合规的常见误区。"
                    "适合承担科研项目、需要编制数据管理计划的科研人员。",
     "minutes": "线上参会 4 人。主讲人梳理了科研数据管理计划的基本要素；刘晓雯介绍了公共数据授权运营的试点经验。"
                "与会者建议科协牵头编写一份科研数据合规的简明指引。"},
    {"title": "农业微生物组与土壤健康青年沙龙", "discipline": "农学", "host": "member4",
     "days": -4, "hour": 9, "hours": 3, "room": 2, "capacity": 16,
     "speakers": [{"user": "member4"}, {"name": "赵一鸣", "affiliation": "市农业科学院"}],
     "registrants": ["member", "member5", "member6", "member8"], "attended": ["member", "member5", "member8"],
     "description": "交流根际微生物组测序、功能菌株筛选与田间试验设计的经验，面向农学、生态学方向的青年科研人员。",
     "minutes": ""},
    {"title": "可控核聚变工程中的关键材料问题", "discipline": "能源与环境", "host": "member3",
     "days": 5, "hour": 14, "hours": 3, "room": 0, "capacity": 120,
     "speakers": [{"user": "member3"}, {"name": "王立群", "affiliation": "中国科学院合肥物质科学研究院"}],
     "registrants": ["member", "member2", "member4", "member6", "member7"],
     "description": "面向第一壁材料、超导磁体和氚增殖包层，介绍聚变装置对材料的极端要求和国内的最新进展。"},
    {"title": "单细胞测序数据分析工作坊（小班）", "discipline": "生命科学", "host": "member6",
     "days": 12, "hour": 13, "hours": 4, "room": 2, "capacity": 6,
     "speakers": [{"user": "member6"}],
     "registrants": ["member", "member2", "member3", "member4", "member5", "member7", "member8", "leader2", "leader3"],
     "description": "小班实操：从表达矩阵到细胞类型注释与轨迹分析。请自带笔记本电脑，提前安装 R 与 Python 环境。"
                    "名额有限，满员后可加入候补名单，有人取消时按顺序递补。"},
    {"title": "青年科技工作者科普创作交流会", "discipline": "人文社科与科技政策", "host": "member5",
     "days": 20, "hour": 15, "hours": 2, "room": None, "format": "hybrid", "capacity": 40,
     "address": "市图书馆二楼报告厅", "online_url": "https://meeting.example.cn/j/kepu2026", "requires_approval": True,
     "speakers": [{"name": "孙雨桐", "affiliation": "市科普作家协会"}, {"user": "member5"}],
     "registrants": ["member", "member8"],
     "description": "如何把前沿研究讲给公众听？交流科普文章、短视频的选题与写作，分享投稿与平台运营的经验。"},
    {"title": "数学建模方法在城市交通中的应用", "discipline": "数学", "host": "member7",
     "days": 26, "hour": 14, "hours": 2, "room": 1, "capacity": 30, "state": "filed",
     "speakers": [{"user": "member7"}],
     "description": "介绍交通流模型、信号配时优化与出行需求预测中的数学方法，并讨论与交管部门合作的数据条件。"},
    {"title": "新型储能电池安全性研讨", "discipline": "材料科学", "host": "member8",
     "days": 33, "hour": 9, "hours": 3, "room": 0, "capacity": 80, "state": "returned",
     "speakers": [{"name": "周海", "affiliation": "某电池企业研究院"}],
     "return_comment": "请补充主讲人的职称与报告题目，并说明是否涉及企业未公开的技术资料。",
     "description": "研讨锂离子电池和钠离子电池热失控机理、早期预警与储能电站消防设计。"},
]


def _moment(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(UTC).replace(tzinfo=None)


def _rooms(staff):
    existing = {r.name: r for r in SalonRoom.query}
    out = []
    for name, address, capacity in ROOMS:
        room = existing.get(name) or services.save_room(staff, name, capacity, address)
        out.append(room)
    return out


def _people():
    return {u.username: u for u in User.query}


def _seed_one(spec, people, staff, rooms, now):
    today = services.today()
    start = _moment(today + timedelta(days=spec["days"]), spec["hour"])
    end = start + timedelta(hours=spec["hours"])
    fmt = spec.get("format", "offline")
    room = rooms[spec["room"]] if spec.get("room") is not None else None
    # Proposed early enough to be filed on time, and every step before now.
    proposed = min(start - timedelta(days=services.proposals.file_days_before() + 8, hours=3),
                   now - timedelta(days=3, hours=5))
    speakers = [{"user_id": people[s["user"]].id} if "user" in s else s for s in spec["speakers"]]
    with clock_at(proposed):
        salon = services.propose(people[spec["host"]], spec["title"], spec["discipline"], spec["description"], fmt,
                                 spec["capacity"], start, end, start - timedelta(hours=12),
                                 room_id=room.id if room else None, address=spec.get("address", ""),
                                 online_url=spec.get("online_url", ""),
                                 requires_approval=spec.get("requires_approval", False), speakers=speakers)
    if spec.get("state") == "draft":
        return salon
    with clock_at(proposed + timedelta(hours=1)):
        services.file_salon(people[spec["host"]], salon)
    if spec.get("state") == "filed":
        return salon
    reviewed = proposed + timedelta(days=2, hours=1)
    with clock_at(reviewed):
        if spec.get("state") == "returned":
            services.send_back(staff, salon, spec["return_comment"])
            return salon
        services.approve(staff, salon, "符合报备要求，同意举办。")
    registrants = spec.get("registrants", [])
    window = min(start - timedelta(days=1), now) - reviewed
    for i, username in enumerate(registrants):
        with clock_at(reviewed + window * (i + 1) / (len(registrants) + 1)):
            reg = services.register(people[username], salon)
        if reg.status == "pending" and i == 0:
            with clock_at(reviewed + window * (i + 1.5) / (len(registrants) + 1)):
                services.decide_registration(people[spec["host"]], salon, reg.id, True)
    if end > now:
        return salon
    for username in spec.get("attended", []):
        with clock_at(start + timedelta(minutes=10)):
            services.check_in(people[username], salon, salon.checkin_code)
    if spec.get("minutes"):
        with clock_at(end + timedelta(hours=20)):
            services.save_minutes(people[spec["host"]], salon, spec["minutes"])
    if spec.get("report_after") is not None:
        with clock_at(end + timedelta(days=spec["report_after"])):
            services.file_report(people[spec["host"]], salon)
    return salon


def seed_demo():
    people = _people()
    staff = people.get("staff")
    if staff is None:
        return "学术沙龙：没有演示账号，未创建"
    from webapp.accounts.services import update_settings

    for username, year in BIRTH_YEARS.items():
        if username in people and people[username].birth_year is None:
            update_settings(people[username], birth_year=year)
    rooms = _rooms(staff)
    now = utcnow()
    titles = {t for (t,) in Salon.query.with_entities(Salon.title)}
    created = 0
    for spec in SALONS:
        if spec["title"] in titles or any(u not in people for u in [spec["host"], *spec.get("registrants", [])]):
            continue
        _seed_one(spec, people, staff, rooms, now)
        created += 1
    return f"学术沙龙：{len(rooms)} 个场地，新建 {created} 场沙龙"
