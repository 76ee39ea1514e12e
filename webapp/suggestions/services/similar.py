"""Similar suggestions by title, shown before submitting so people co-sign instead of
writing the same thing twice.

The title is cut into words with jieba (its dictionary is loaded once per process, on
first use); suggestions whose titles contain any of those words are candidates, ranked by
how many they share. Only what the viewer may see (`visible_filter`) and nothing withdrawn
or refused: a duplicate of those is no duplicate.
"""
import logging
import threading

from sqlalchemy import or_

from webapp.extensions import db
from webapp.suggestions.models import Suggestion, SuggestionState
from webapp.suggestions.services.reading import eager, visible_filter

S = SuggestionState
SIMILAR_LIMIT = 5
_CANDIDATES = 200
_MAX_WORDS = 12
# Words every suggestion title has: they would make everything similar.
STOP_WORDS = frozenset("""
关于 建议 意见 提议 问题 希望 进一步 加强 完善 推进 推动 做好 提高 提升 有关 相关 工作 尽快 应当 应该 切实
我们 大家 一些 以及 还是 可以 能否 是否 请求 呼吁 建立 设立 增加 优化 改进 支持 对于 方面
""".split())

_lock = threading.Lock()
_jieba = None


def _segmenter():
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def title_words(title):
    """The distinctive words of a title (two characters or more, no stop words), in order."""
    words = []
    for word in _segmenter().cut_for_search((title or "").strip()[:200]):
        word = word.strip().lower()
        if len(word) >= 2 and word not in STOP_WORDS and word not in words and any(c.isalnum() for c in word):
            words.append(word)
    return words[:_MAX_WORDS]


def similar_suggestions(viewer, title, exclude_id=None, limit=SIMILAR_LIMIT):
    """Up to `limit` suggestions `viewer` may see whose titles share words with `title`,
    the most shared first (then the most co-signed, then the newest)."""
    words = title_words(title)
    if not words:
        return []
    q = Suggestion.query.filter(
        visible_filter(viewer),
        Suggestion.state.notin_((S.withdrawn.value, S.not_accepted.value)),
        or_(*[Suggestion.title.ilike(f"%{_escape(w)}%", escape="\\") for w in words]),
    )
    if exclude_id:
        q = q.filter(Suggestion.id != exclude_id)
    candidates = q.order_by(Suggestion.created_at.desc(), Suggestion.id.desc()).limit(_CANDIDATES).all()

    def score(s):
        lowered = s.title.lower()
        return sum(1 for w in words if w in lowered)

    ranked = sorted(candidates, key=lambda s: (-score(s), -s.support_count, -s.created_at.timestamp(), -s.id))
    top = [s.id for s in ranked[:limit]]
    if not top:
        return []
    rows = {s.id: s for s in eager(db.session.query(Suggestion).filter(Suggestion.id.in_(top)))}
    return [rows[i] for i in top]


def _escape(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
