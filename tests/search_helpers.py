"""Search test helpers: a fake search source over notifications ("note"), the fixture
corpus, and the backend fixture that runs a test on each backend (PostgreSQL only when
the suite runs on it)."""
from datetime import datetime

import pytest

NOTE_KIND = "search_public"


def note_document(note):
    """Public unless its kind says otherwise (the fake source's permission rule)."""
    if note.kind != NOTE_KIND:
        return None
    return {"title": note.title, "body": note.body, "url": f"/notes/{note.id}", "created_at": note.created_at,
            "discipline": note.actor_name, "category": note.link, "tags": []}


def note_source():
    from webapp.notifications.models import Notification

    return {"type": "note", "label": "测试笔记", "model": Notification, "document": note_document,
            "all": lambda: Notification.query.order_by(Notification.id).all()}


# (title, body, discipline, category, created_at)
CORPUS = [
    ("科协论坛的全文搜索测试", "检验中文分词之后全文检索是否可用。", "信息科学", "平台", datetime(2026, 3, 1)),
    ("人工智能赋能科研", "人工智能与机器学习正在改变实验设计和数据分析。", "信息科学", "科普", datetime(2026, 3, 5)),
    ("云计算机场调度系统", "一个部署在云端的航班调度原型。", "信息科学", "平台", datetime(2026, 3, 9)),
    ("新机场航站楼的节能设计", "机场航站楼采用地源热泵与光伏屋面。", "能源", "科普", datetime(2026, 4, 2)),
    ("北京大学量子实验室开放日", "欢迎中学生参观量子退相干与超导量子比特实验。", "物理学", "活动", datetime(2026, 4, 12)),
    ("大学与北京的科普合作", "多所大学在北京开展社区科普讲座。", "教育", "活动", datetime(2026, 4, 20)),
    ("碳达峰与碳中和路线图", "能源结构调整、储能和碳捕集是实现碳达峰的关键。", "能源", "政策", datetime(2026, 5, 3)),
    ("5G网络在智慧农业中的应用", "基于5G的传感网络实时监测土壤墒情。", "农业科学", "应用", datetime(2026, 5, 18)),
    ("Python 数据分析入门", "用 Python 和 pandas 整理实验数据。", "信息科学", "教程", datetime(2026, 6, 1)),
    ("ＣＲＩＳＰＲ基因编辑伦理讨论", "全角字母也应能被检索：CRISPR-Cas9。", "生命科学", "讨论", datetime(2026, 6, 15)),
    ("2026年青年科技人才托举工程", "第十届托举工程申报指南发布。", "管理", "政策", datetime(2026, 7, 1)),
    ("深度学习框架对比", "比较不同深度学习框架在图像识别上的表现。", "信息科学", "教程", datetime(2026, 7, 9)),
    ("长江流域生态修复", "湿地保护与水质监测。", "环境科学", "应用", datetime(2026, 8, 2)),
    ("<b>标签</b>不应生效的标题", "正文里的 <script>alert(1)</script> 必须转义；关键词：脚本注入。", "信息科学", "安全",
     datetime(2026, 8, 20)),
]


@pytest.fixture
def make_note(app, make_member):
    """make_note(title, body, discipline=None, category=None, public=True, created_at=None) → Notification."""
    from webapp.extensions import db
    from webapp.notifications.models import Notification

    owner = {}

    def factory(title, body="", discipline=None, category=None, public=True, created_at=None):
        if "user" not in owner:
            owner["user"] = make_member(username="note_owner")
        note = Notification(user_id=owner["user"].id, kind=NOTE_KIND if public else "search_private", title=title,
                            body=body, actor_name=discipline, link=category)
        if created_at:
            note.created_at = created_at
        db.session.add(note)
        db.session.commit()
        return note

    return factory


@pytest.fixture
def corpus(make_note, search_backend):
    from webapp.search import indexer

    notes = {title: make_note(title, body, d, c, created_at=when) for title, body, d, c, when in CORPUS}
    indexer.drain()
    return notes


BACKENDS = ["whoosh", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def search_backend(request, app, tmp_path):
    """The search on one backend (fresh), with the note source registered."""
    from webapp.extensions import db
    from webapp.search.backends import get_backend, set_backend
    from webapp.search.registry import register_source, unregister_source

    if request.param == "postgresql":
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the PostgreSQL backend runs when the suite runs on PostgreSQL (DATABASE_URL)")
        from webapp.search.backends.postgres_backend import PostgresBackend

        backend = PostgresBackend()
    else:
        from webapp.search.backends.whoosh_backend import WhooshBackend

        backend = WhooshBackend(tmp_path / "index")
    previous = get_backend(app)
    set_backend(app, backend)
    register_source(app, note_source())
    yield backend
    unregister_source(app, "note")
    set_backend(app, previous)


def titles(result):
    return [hit.title for hit in result.items]
