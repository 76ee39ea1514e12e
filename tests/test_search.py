"""Chinese full-text search on a fixture corpus, on each backend: words, sub-words,
phrases, mixed scripts, full-width forms, highlighting, filters, did-you-mean, the index
following edits, hides and deletes, and rebuild == incremental."""
from datetime import date, datetime

import pytest

from tests.search_helpers import (  # noqa: F401  (fixtures)
    corpus,
    make_note,
    search_backend,
    titles,
)

# query → titles that must be found (and for some, titles that must not)
EXPECTED = [
    ("全文搜索", ["科协论坛的全文搜索测试"]),                          # a run jieba and Whoosh default keep whole
    ("全文", ["科协论坛的全文搜索测试"]),
    ("人工智能", ["人工智能赋能科研"]),
    ("智能", ["人工智能赋能科研"]),                                    # a sub-word of a longer word
    ("机器学习", ["人工智能赋能科研"]),
    ("机场", ["新机场航站楼的节能设计", "云计算机场调度系统"]),         # 云计算机场 → 云/计算机/场: bigrams find it
    ("航站楼", ["新机场航站楼的节能设计"]),
    ("碳", ["碳达峰与碳中和路线图"]),                                   # a single character
    ("碳达峰", ["碳达峰与碳中和路线图"]),                               # the domain dictionary's term
    ("量子退相干", ["北京大学量子实验室开放日"]),
    ('"北京大学"', ["北京大学量子实验室开放日"]),                       # a quoted phrase
    ("“量子比特”", ["北京大学量子实验室开放日"]),                       # Chinese quotes
    ("5G网络", ["5G网络在智慧农业中的应用"]),                           # mixed scripts
    ("5g 网络", ["5G网络在智慧农业中的应用"]),
    ("５Ｇ", ["5G网络在智慧农业中的应用"]),                             # full-width query
    ("crispr", ["ＣＲＩＳＰＲ基因编辑伦理讨论"]),                      # full-width text, any case
    ("ＣＲＩＳＰＲ 伦理", ["ＣＲＩＳＰＲ基因编辑伦理讨论"]),
    ("PYTHON", ["Python 数据分析入门"]),
    ("pandas 实验数据", ["Python 数据分析入门"]),
    ("2026", ["2026年青年科技人才托举工程"]),
    ("托举工程", ["2026年青年科技人才托举工程"]),
    ("深度学习 图像识别", ["深度学习框架对比"]),                        # every word must match
    ("生态修复", ["长江流域生态修复"]),
    ("湿地", ["长江流域生态修复"]),
    ("脚本注入", ["<b>标签</b>不应生效的标题"]),
]


@pytest.mark.parametrize("q,expected", EXPECTED, ids=[q for q, _ in EXPECTED])
def test_chinese_queries_find_the_expected_documents(corpus, q, expected):
    from webapp.search import services

    found = titles(services.search(None, q, per_page=50))
    assert set(expected) <= set(found), f"{q!r} found {found}"


def test_at_least_twenty_queries_are_checked():
    assert len(EXPECTED) >= 20


def test_a_phrase_keeps_its_order_and_words_do_not(corpus):
    from webapp.search import services

    # 北京大学 (one word) vs 大学 … 北京 (both words, other order, apart)
    assert titles(services.search(None, '"北京大学"')) == ["北京大学量子实验室开放日"]
    assert "大学与北京的科普合作" not in titles(services.search(None, '"北京大学"'))
    assert titles(services.search(None, '"大学北京"')) == []
    both = titles(services.search(None, "大学 北京"))
    assert {"北京大学量子实验室开放日", "大学与北京的科普合作"} <= set(both)


def test_all_words_must_match(corpus):
    from webapp.search import services

    assert titles(services.search(None, "深度学习 碳达峰")) == []
    assert titles(services.search(None, "没有这个词汇的文档")) == []


def test_whole_word_hits_rank_above_substring_hits(corpus):
    from webapp.search import services

    found = titles(services.search(None, "机场"))
    assert found.index("新机场航站楼的节能设计") < found.index("云计算机场调度系统")


def test_snippets_highlight_matches_and_escape_html(corpus):
    from webapp.search import services

    hit = services.search(None, "脚本注入").items[0]
    snippet, title = str(hit.snippet_html), str(hit.title_html)
    assert "<mark>脚本注入</mark>" in snippet
    assert "</script>" not in snippet and "&lt;/script&gt;" in snippet
    assert "<b>" not in title and "&lt;b&gt;" in title
    hit = services.search(None, "智能").items[0]
    assert "<mark>智能</mark>" in str(hit.snippet_html) and "人工<mark>智能</mark>" in str(hit.title_html)
    hit = services.search(None, "crispr").items[0]
    assert "<mark>ＣＲＩＳＰＲ</mark>" in str(hit.title_html)  # found by its half-width form, shown as written


def test_filters_by_type_discipline_category_and_dates(corpus, make_suggestion):
    from webapp.search import indexer, services

    make_suggestion(state="accepted", title="关于建设全文检索开放平台的建议", body="建议开放高校和科研院所的算力平台，方便青年科研人员开展大规模计算实验，并提供技术支持。")
    indexer.drain()
    everything = titles(services.search(None, "全文", per_page=50))
    assert "关于建设全文检索开放平台的建议" in everything and "科协论坛的全文搜索测试" in everything
    assert titles(services.search(None, "全文", types=["suggestion"])) == ["关于建设全文检索开放平台的建议"]
    assert "关于建设全文检索开放平台的建议" not in titles(services.search(None, "全文", types=["note"]))

    assert set(titles(services.search(None, "机场", discipline="能源"))) == {"新机场航站楼的节能设计"}
    assert set(titles(services.search(None, "学习", category="教程"))) == {"深度学习框架对比"}
    march = titles(services.search(None, "全文", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)))
    assert march == ["科协论坛的全文搜索测试"]
    assert titles(services.search(None, "机场", date_from=date(2026, 4, 1))) == ["新机场航站楼的节能设计"]
    assert titles(services.search(None, "机场", date_to=date(2026, 3, 31))) == ["云计算机场调度系统"]


def test_date_filters_are_local_days(corpus, make_note):
    from webapp.search import indexer, services

    # 2026-09-30 17:00 UTC is already 1 October in Asia/Shanghai.
    make_note("国庆科普周", "科普周活动安排", created_at=datetime(2026, 9, 30, 17, 0))
    indexer.drain()
    assert titles(services.search(None, "科普周", date_from=date(2026, 10, 1), date_to=date(2026, 10, 1))) == [
        "国庆科普周"]
    assert titles(services.search(None, "科普周", date_to=date(2026, 9, 30))) == []


def test_sort_by_date_puts_newest_first(corpus):
    from webapp.search import services

    found = services.search(None, "学习", sort="date").items
    dates = [hit.created_at for hit in found]
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert titles(services.search(None, "学习", sort="date"))[0] == "深度学习框架对比"


def test_bad_filters_are_validation_errors(corpus):
    from webapp.core.errors import ValidationError
    from webapp.search import services

    with pytest.raises(ValidationError) as exc:
        services.search(None, "机场", types=["nonsense"])
    assert "type" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        services.search(None, "机场", date_from=date(2026, 5, 1), date_to=date(2026, 4, 1))
    assert "date_to" in exc.value.fields


def test_pagination(corpus, make_note):
    from webapp.search import indexer, services

    for i in range(7):
        make_note(f"分页测试第{i}篇", "分页")
    indexer.drain()
    first = services.search(None, "分页测试", per_page=3, page=1)
    third = services.search(None, "分页测试", per_page=3, page=3)
    assert first.total == 7 and first.pages == 3 and len(first.items) == 3 and len(third.items) == 1
    assert not set(titles(first)) & set(titles(third))
    assert services.search(None, "分页测试", per_page=3, page=9).past_end


def test_did_you_mean_corrects_a_misspelt_word(corpus, search_backend):
    from webapp.search import services

    if search_backend.name != "whoosh":
        pytest.skip("did-you-mean comes from Whoosh's lexicon; the PostgreSQL backend offers none")
    result = services.search(None, "pyton")
    assert result.total == 0 and result.suggestions == ["python"]
    assert services.search(None, "python").suggestions == []


def test_suggest_completes_titles(corpus):
    from webapp.search import services

    assert "人工智能赋能科研" in [h.title for h in services.suggest(None, "人工")]
    assert "Python 数据分析入门" in [h.title for h in services.suggest(None, "pyt")]
    assert "北京大学量子实验室开放日" in [h.title for h in services.suggest(None, "北京大学量")]
    assert services.suggest(None, "   ") == []


# ---------------------------------------------------------------- the index follows changes

def test_the_index_follows_edits_hides_and_deletes(corpus, make_note):
    from webapp.extensions import db
    from webapp.search import indexer, services

    note = make_note("待修改的标题", "原来的正文讲海洋观测")
    indexer.drain()
    assert titles(services.search(None, "海洋观测")) == ["待修改的标题"]

    note.title, note.body = "修改后的标题", "新的正文讲极地考察"
    db.session.commit()
    indexer.drain()
    assert titles(services.search(None, "海洋观测")) == []
    assert titles(services.search(None, "极地考察")) == ["修改后的标题"]

    note.kind = "search_private"  # hidden: no longer public
    db.session.commit()
    assert titles(services.search(None, "极地考察")) == []  # re-checked before the writer ran
    indexer.drain()
    assert ("note", note.id) not in search_keys()

    note.kind = "search_public"
    db.session.commit()
    indexer.drain()
    assert titles(services.search(None, "极地考察")) == ["修改后的标题"]

    db.session.delete(note)
    db.session.commit()
    indexer.drain()
    assert titles(services.search(None, "极地考察")) == []
    assert indexer.pending() == 0


def search_keys():
    from webapp.search.backends import get_backend

    return set(get_backend().keys())


def test_a_rolled_back_change_writes_no_job(corpus, make_note):
    from webapp.extensions import db
    from webapp.search import indexer

    before = indexer.pending()
    note = make_note("回滚测试", "正文")
    assert indexer.pending() == before + 1
    indexer.drain()
    with db.session.begin_nested():
        note.title = "不会保存的标题"
        db.session.flush()
        assert indexer.pending() == 1
        db.session.rollback()
    assert indexer.pending() == 0


def test_rebuild_equals_the_incremental_index(corpus, make_note):
    from webapp.extensions import db
    from webapp.search import indexer, services

    hidden = make_note("隐藏的笔记", "不应出现")
    edited = make_note("编辑前", "编辑测试")
    indexer.drain()
    hidden.kind = "search_private"
    edited.title = "编辑后"
    db.session.commit()
    indexer.drain()
    incremental = search_keys()
    queries = ["机场", "人工智能", '"北京大学"', "编辑", "5g"]
    before = {q: titles(services.search(None, q)) for q in queries}
    indexer.rebuild()
    assert search_keys() == incremental
    assert {q: titles(services.search(None, q)) for q in queries} == before
    report = indexer.check()
    assert report["missing"] == report["extra"] == report["stale"] == []


def test_check_reports_drift(corpus):
    from webapp.search import indexer
    from webapp.search.backends import get_backend

    some = next(iter(corpus.values()))
    get_backend().apply([], [("note", some.id)])
    report = indexer.check()
    assert report["missing"] == [("note", some.id)]
    indexer.rebuild()
    assert indexer.check()["missing"] == []


def test_private_documents_are_never_indexed_or_found(corpus, make_note):
    from webapp.search import indexer, services

    make_note("私密的笔记标题", "机场内部资料", public=False)
    indexer.drain()
    assert "私密的笔记标题" not in titles(services.search(None, "机场", per_page=50))
    assert "私密的笔记标题" not in [h.title for h in services.suggest(None, "私密")]
    assert all(title != "私密的笔记标题" for title in search_keys_titles())


def search_keys_titles():
    from webapp.search.backends import get_backend

    return list(get_backend().keys().values())


def test_the_domain_dictionary_keeps_discipline_terms_whole():
    from webapp.search.analyzer import domain_terms, words

    assert len(domain_terms()) >= 50
    assert words("量子退相干与碳达峰") == ["量子退相干", "与", "碳达峰"]
    assert words("揭榜挂帅制度") == ["揭榜挂帅", "制度"]


def test_word_positions_count_words_not_characters():
    from webapp.search.analyzer import gram_tokens, word_tokens

    tokens = word_tokens("北京大学的人工智能")
    assert [(p, t) for p, t, _s, _e in tokens if t in ("北京大学", "北京", "大学", "人工智能", "智能")] == [
        (0, "北京大学"), (0, "北京"), (0, "大学"), (2, "人工智能"), (2, "智能")]
    assert [(p, t) for p, t, _s, _e in gram_tokens("云计算机场 ＡＢ")] == [
        (0, "云计"), (1, "计算"), (2, "算机"), (3, "机场"), (3, "场"), (4, "ab")]


def test_a_phrase_runs_on_from_chinese_into_numbers(make_note, search_backend):
    from webapp.search import indexer, services

    make_note("网络安全2026年度报告", "年度报告")
    indexer.drain()
    assert titles(services.search(None, '"安全2026"')) == ["网络安全2026年度报告"]
    assert titles(services.search(None, '"安全 2027"')) == []
