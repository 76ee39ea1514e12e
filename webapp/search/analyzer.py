"""Chinese text analysis for the site search: normalisation, jieba words and character bigrams.

Both backends index the same tokens, made here:

- `normalise`: NFKC (full-width ＡＢＣ１２３ and ideographic punctuation become ABC123) then
  casefold, at index and at query time.
- `words`: jieba's accurate segmentation, one *position per word* (jieba's stock
  `ChineseAnalyzer` numbers positions by character and emits overlapping words, which breaks
  phrase queries). A long word's dictionary sub-words (人工智能 → 人工, 智能) are emitted at
  the word's own position, so "智能" finds it and a phrase still lines up.
- `grams`: every two consecutive CJK characters, one position each (plus each run's last
  character alone, at the last bigram's position), and Latin/number runs whole. Any Chinese substring is then a phrase of
  bigrams: what segmentation misses (云计算机场 → 云/计算机/场 hides 机场) is still found.
  Backends rank these hits below word hits.

jieba loads its dictionary (~60 MB, ~0.6 s) once per process, on first use, with the
domain dictionary (`content/search/dictionary.txt`: discipline terms jieba lacks).
"""
import logging
import re
import threading
import unicodedata
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

DICTIONARY = Path(__file__).resolve().parents[2] / "content" / "search" / "dictionary.txt"

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_RUNS = re.compile(f"[{_CJK}]+|(?:(?![{_CJK}])[^\\W_])+")
_IS_CJK = re.compile(f"[{_CJK}]")

_lock = threading.Lock()
_jieba = None


def segmenter():
    """jieba's tokenizer, initialised once per process with our domain dictionary."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for word, freq, tag in domain_terms():
                    jieba.add_word(word, freq, tag)
                _jieba = jieba
    return _jieba


def domain_terms(path=DICTIONARY):
    """[(word, frequency or None, tag or None)] of the domain dictionary (`#` starts a comment)."""
    if not path.exists():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if parts:
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            terms.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    return terms


def normalise(text):
    """NFKC + casefold: full-width and half-width forms and letter case compare equal."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def is_cjk(token):
    return bool(_IS_CJK.search(token))


def _is_word(token):
    return any(c.isalnum() for c in token)


def _sub_words(word, freq):
    """The dictionary words of two and three characters inside a longer CJK word (as jieba's
    search mode finds them), in order, without the word itself."""
    found = []
    for n in (2, 3):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                part = word[i:i + n]
                if freq.get(part) and part not in found:
                    found.append(part)
    return found


def word_tokens(text, sub_words=True):
    """[(position, token, startchar, endchar)] of jieba words of normalised `text`; sub-words
    of long CJK words share the word's position."""
    text = normalise(text)
    jieba = segmenter()
    freq = jieba.dt.FREQ
    out = []
    pos = 0
    for word, start, end in jieba.tokenize(text):
        word = word.strip()
        if not word or not _is_word(word):
            continue
        # jieba keeps "c++" or "5g-a" together; keep only letters and digits of a Latin token.
        if not is_cjk(word):
            parts = _RUNS.findall(word)
            for part in parts:
                out.append((pos, part, start, end))
                pos += 1
            continue
        out.append((pos, word, start, end))
        if sub_words and len(word) > 2:
            for part in _sub_words(word, freq):
                out.append((pos, part, start, end))
        pos += 1
    return out


def words(text):
    """The words of a query (no sub-words: the index has them), in order, without repeats."""
    seen = []
    for _pos, token, _s, _e in word_tokens(text, sub_words=False):
        if token not in seen:
            seen.append(token)
    return seen


def gram_tokens(text):
    """[(position, token, startchar, endchar)]: CJK bigrams (and each run's last character),
    Latin and number runs whole."""
    text = normalise(text)
    out = []
    pos = 0
    for match in _RUNS.finditer(text):
        run, base = match.group(), match.start()
        if not is_cjk(run[0]):
            out.append((pos, run, base, match.end()))
            pos += 1
            continue
        for i in range(len(run) - 1):
            out.append((pos, run[i:i + 2], base + i, base + i + 2))
            pos += 1
        # The run's last character alone (a one-character query finds it), at the position of
        # the last bigram, so a phrase still runs on into what follows the run.
        out.append((pos - 1 if len(run) > 1 else pos, run[-1], base + len(run) - 1, base + len(run)))
        if len(run) == 1:
            pos += 1
    return out


def grams(word):
    """The bigrams of one (normalised) query word: a phrase of them finds it as a substring."""
    if not is_cjk(word) or len(word) < 2:
        return [word]
    return [word[i:i + 2] for i in range(len(word) - 1)]


def split_query(q):
    """A query string → [(is_phrase, text)]: "quoted" parts are phrases (ASCII or Chinese
    quotes), the rest is free text."""
    q = normalise(q)  # NFKC turns full-width quotes ＂ into "
    q = q.replace("“", '"').replace("”", '"').replace("「", '"').replace("」", '"')
    parts = []
    for i, chunk in enumerate(q.split('"')):
        chunk = chunk.strip()
        if chunk:
            parts.append((i % 2 == 1, chunk))
    return parts


class _Tokens(Tokenizer):
    """A Whoosh tokenizer over one of the functions above (positions by token)."""

    def __init__(self, fn):
        self.fn = fn

    def __eq__(self, other):
        return type(other) is type(self) and other.fn is self.fn

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = normalise(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, text, start, end in self.fn(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def word_analyzer():
    return _Tokens(word_tokens)


def gram_analyzer():
    return _Tokens(gram_tokens)
