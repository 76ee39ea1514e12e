"""Demo chat: direct messages between demo members (board and salon rooms come with those capabilities)."""
from datetime import timedelta

from webapp.chat import services
from webapp.chat.models import ChatMessage
from webapp.core import ratelimit
from webapp.core.timeutil import clock_at

CONVERSATIONS = [
    ("member", "member3", [
        ("member", "王老师好！上周沙龙上您讲的土壤微生物组测序方法很受启发，想请教一下样本保存的问题。"),
        ("member3", "你好！样本最好在采集后两小时内放进 -80 ℃，运输用干冰。你们实验室有液氮罐吗？"),
        ("member", "有的，我们一般先液氮速冻再转 -80 ℃。那 DNA 提取用哪家的试剂盒比较稳定？"),
        ("member3", "我们一直用磁珠法，批次间差异小。回头我把操作规程发你，@member 记得先做预实验。"),
    ]),
    ("member2", "leader", [
        ("member2", "李书记您好，关于青年科技人才托举工程的申报材料，我们学会已经整理好了初稿。"),
        ("leader", "好的，辛苦了。下周二前发到学会部邮箱，我们统一汇总。"),
    ]),
]


def seed_demo():
    from webapp.accounts.models import User
    from webapp.core.db import utcnow
    from webapp.extensions import db

    if ChatMessage.query.first() is not None:
        return  # idempotent
    start = utcnow() - timedelta(days=3)
    for n, (a, b, lines) in enumerate(CONVERSATIONS):
        first = User.query.filter_by(username=a).first()
        second = User.query.filter_by(username=b).first()
        if first is None or second is None:
            continue
        people = {a: first, b: second}
        for i, (who, text) in enumerate(lines):
            author = people[who]
            other = second if author is first else first
            with clock_at(start + timedelta(days=n, minutes=7 * i)):
                services.post_message(author, services.dm_room(author, other), text)
            # Demo history is not a burst: give the rate limit its attempts back.
            ratelimit.reset(f"chat:send:{author.id}")
    db.session.flush()
