"""`flask content import DIR`: Markdown articles with YAML front matter, a GeoJSON file of
bases and a YAML list of videos, in the layout of content/science/:

    DIR/articles/<slug>.md   front matter {title, summary, category, tags, author, published,
                             featured, cover} + Markdown body
    DIR/images/              covers named by the articles' `cover`
    DIR/bases.geojson        FeatureCollection of Points [lon, lat] with {name, type, city, ...}
    DIR/videos.yaml          [{slug, title, description, category, tags, duration, file, poster,
                               transcript, author, published}], files in DIR/videos/

Each bad file (or bad entry) is reported with its reason and line; the good ones are
imported. Importing again adds nothing: an article or video whose slug exists, or a base
whose name exists, is skipped. Everything goes through the services (the workflow's
publication step included), in the caller's unit of work, each file in a savepoint.
"""
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml

from webapp.accounts.models import User
from webapp.core.db import utcnow
from webapp.core.errors import ServiceError
from webapp.extensions import db
from webapp.science import services
from webapp.science.models import Article, ScienceBase, Video
from webapp.science.services import articles as article_services
from webapp.science.services import sites as base_services
from webapp.science.services import videos as video_services
from webapp.science.services.workflow import publish_directly


@dataclass
class Report:
    created: dict = field(default_factory=lambda: {"articles": 0, "bases": 0, "videos": 0})
    skipped: int = 0
    errors: list = field(default_factory=list)  # (file, line or None, reason)

    def error(self, path, line, reason):
        self.errors.append((str(path), line, reason))

    def summary(self):
        c = self.created
        return (f"Imported {c['articles']} articles, {c['bases']} bases, {c['videos']} videos; "
                f"skipped {self.skipped} already present; {len(self.errors)} errors.")


class BadEntry(Exception):
    def __init__(self, reason, line=None):
        super().__init__(reason)
        self.reason, self.line = reason, line


def _message(exc):
    if isinstance(exc, ServiceError) and exc.fields:
        return "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
    return getattr(exc, "message", None) or str(exc)


def work_items(folder):
    """The (kind, path) of everything to import, for the progress bar."""
    folder = Path(folder)
    items = [("article", p) for p in sorted((folder / "articles").glob("*.md"))]
    if (folder / "bases.geojson").exists():
        items.append(("bases", folder / "bases.geojson"))
    if (folder / "videos.yaml").exists():
        items.append(("videos", folder / "videos.yaml"))
    return items


def import_item(kind, path, report, actor=None):
    """Import one file into the report, in a savepoint: a bad file leaves nothing behind."""
    handler = {"article": _import_article, "bases": _import_bases, "videos": _import_videos}[kind]
    try:
        with db.session.begin_nested():
            handler(path, report, actor)
    except BadEntry as exc:
        report.error(path, exc.line, exc.reason)
    except ServiceError as exc:
        report.error(path, None, _message(exc))


def import_dir(folder, actor=None, progress=None):
    report = Report()
    items = work_items(folder)
    for kind, path in (progress(items) if progress else items):
        import_item(kind, path, report, actor)
    return report


# ---------------------------------------------------------------- shared parts

def _published(value, line):
    """'YYYY-MM-DD' (09:00 Beijing time that day) or a number of days before now (-30)."""
    now = utcnow()
    if value is None:
        return now
    if isinstance(value, bool):
        raise BadEntry("published 应为日期 YYYY-MM-DD 或天数（如 -30）", line)
    if isinstance(value, int):
        return now - timedelta(days=abs(value))
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            try:
                return now - timedelta(days=abs(int(value)))
            except ValueError:
                raise BadEntry(f"published 无法识别：{value!r}", line) from None
    if isinstance(value, date):
        return datetime.combine(value, time(1, 0))  # 09:00 in Asia/Shanghai
    raise BadEntry("published 应为日期 YYYY-MM-DD 或天数（如 -30）", line)


def _author(username, line):
    user = User.query.filter_by(username=str(username or "")).first() if username else None
    if user is None:
        raise BadEntry(f"作者 {username!r} 不存在（应为站内用户名）", line)
    return user


def _category(name, line):
    category = services.category_by_name(str(name or ""))
    if category is None:
        names = "、".join(c.name for c in services.categories())
        raise BadEntry(f"栏目 {name!r} 不存在（可选 {names}）", line)
    return category


def _tags(value, line):
    if value is None:
        return []
    if not isinstance(value, (list, str)):
        raise BadEntry("tags 应为列表", line)
    return value


# ---------------------------------------------------------------- articles

def split_front_matter(text):
    """(front matter source, body, line where the body starts); BadEntry without front matter."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise BadEntry("缺少 YAML 头信息（文件应以 --- 开始）", 1)
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]), number + 2
    raise BadEntry("YAML 头信息没有结束的 ---", 1)


def _front_matter(source):
    try:
        data = yaml.safe_load(source) or {}
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed `[`), else where the parser stopped.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 0-based, +1 for the opening ---
        raise BadEntry(f"YAML 头信息有误：{getattr(exc, 'problem', None) or exc}", line) from None
    if not isinstance(data, dict):
        raise BadEntry("YAML 头信息应为键值对", 2)
    return data


def _key_line(source, key):
    for number, line in enumerate(source.split("\n"), start=2):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _import_article(path, report, actor):
    slug = path.stem
    if Article.query.filter_by(slug=slug).first() is not None:
        report.skipped += 1
        return
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadEntry("文件不是 UTF-8 编码", None) from None
    source, body, _body_line = split_front_matter(text)
    meta = _front_matter(source)
    for key in ("title", "category", "author"):
        if not meta.get(key):
            raise BadEntry(f"缺少 {key}", _key_line(source, key) if f"{key}:" in source else 1)
    author = _author(meta["author"], _key_line(source, "author"))
    category = _category(meta["category"], _key_line(source, "category"))
    when = _published(meta.get("published"), _key_line(source, "published"))
    cover = None
    if meta.get("cover"):
        cover_path = path.parent.parent / "images" / str(meta["cover"])
        if not cover_path.is_file():
            raise BadEntry(f"封面图片 {meta['cover']} 不存在", _key_line(source, "cover"))
        cover = cover_path.open("rb")
    try:
        article = article_services.create_article(author, str(meta["title"]), str(meta.get("summary") or ""),
                                                  body.strip(), category.id,
                                                  _tags(meta.get("tags"), _key_line(source, "tags")),
                                                  cover=cover, slug=slug)
    except ServiceError as exc:
        raise BadEntry(_message(exc), _line_of_fields(source, exc)) from None
    finally:
        if cover is not None:
            cover.close()
    article.featured = bool(meta.get("featured"))
    publish_directly(actor, article, when)
    report.created["articles"] += 1


def _line_of_fields(source, exc):
    names = list(getattr(exc, "fields", {}) or {})
    for name in names:
        key = {"category_id": "category", "cover": "cover"}.get(name, name)
        if f"{key}:" in source:
            return _key_line(source, key)
    return None


# ---------------------------------------------------------------- bases

def _line_index(text):
    """Line numbers of the features in a GeoJSON text: the lines holding `"Feature"`."""
    return [n for n, line in enumerate(text.split("\n"), start=1) if '"Feature"' in line]


def _import_bases(path, report, actor):
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadEntry(f"JSON 有误：{exc.msg}", exc.lineno) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise BadEntry("应为 GeoJSON FeatureCollection", 1)
    lines = _line_index(text)
    for index, feature in enumerate(data["features"]):
        line = lines[index] if index < len(lines) else None
        try:
            with db.session.begin_nested():
                _import_base(feature, report, actor)
        except BadEntry as exc:
            report.error(path, line, f"第 {index + 1} 个基地：{exc.reason}")
        except ServiceError as exc:
            report.error(path, line, f"第 {index + 1} 个基地：{_message(exc)}")


def _import_base(feature, report, actor):
    if not isinstance(feature, dict):
        raise BadEntry("不是 GeoJSON Feature")
    geometry = feature.get("geometry") or {}
    props = feature.get("properties") or {}
    if geometry.get("type") != "Point":
        raise BadEntry("几何类型应为 Point")
    coords = geometry.get("coordinates")
    if not (isinstance(coords, list) and len(coords) >= 2 and all(isinstance(c, (int, float)) for c in coords[:2])):
        raise BadEntry("坐标应为 [经度, 纬度]")
    lon, lat = coords[0], coords[1]
    if not (73 <= lon <= 136 and 3 <= lat <= 54):
        raise BadEntry(f"坐标 [{lon}, {lat}] 不在中国境内（是否把经纬度写反了？）")
    name = str(props.get("name") or "").strip()
    if name and ScienceBase.query.filter_by(name=name).first() is not None:
        report.skipped += 1
        return
    values = {key: str(props.get(key) or "") for key in base_services.TEXT_LIMITS}
    values.update(type=str(props.get("type") or ""), lon=lon, lat=lat)
    base = base_services.save_base(_system_editor(actor), None, values)
    report.created["bases"] += 1
    return base


class _SystemEditor:
    """The importer acting for the association (no person): passes the staff rule."""

    id = None
    is_authenticated = True
    is_suspended = False

    def has_role(self, *roles):
        return True


def _system_editor(actor):
    return actor if actor is not None else _SystemEditor()


# ---------------------------------------------------------------- videos

def _import_videos(path, report, actor):
    text = path.read_text(encoding="utf-8")
    try:
        entries = yaml.safe_load(text) or []
        nodes = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BadEntry(f"YAML 有误：{getattr(exc, 'problem', None) or exc}", mark.line + 1 if mark else None) from None
    if not isinstance(entries, list):
        raise BadEntry("videos.yaml 应为列表", 1)
    lines = [node.start_mark.line + 1 for node in getattr(nodes, "value", [])]
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        try:
            with db.session.begin_nested():
                _import_video(path.parent, entry, report, actor)
        except BadEntry as exc:
            report.error(path, line, f"第 {index + 1} 个视频：{exc.reason}")
        except ServiceError as exc:
            report.error(path, line, f"第 {index + 1} 个视频：{_message(exc)}")


def _import_video(folder, entry, report, actor):
    if not isinstance(entry, dict):
        raise BadEntry("应为键值对")
    for key in ("slug", "title", "category", "author", "file"):
        if not entry.get(key):
            raise BadEntry(f"缺少 {key}")
    slug = str(entry["slug"])
    if Video.query.filter_by(slug=slug).first() is not None:
        report.skipped += 1
        return
    author = _author(entry["author"], None)
    category = _category(entry["category"], None)
    when = _published(entry.get("published"), None)
    file_path = folder / "videos" / str(entry["file"])
    if not file_path.is_file():
        raise BadEntry(f"视频文件 {entry['file']} 不存在")
    poster_path = folder / "videos" / str(entry["poster"]) if entry.get("poster") else None
    if poster_path is not None and not poster_path.is_file():
        raise BadEntry(f"封面 {entry['poster']} 不存在")
    with file_path.open("rb") as file:
        poster = poster_path.open("rb") if poster_path else None
        try:
            video = video_services.create_video(author, str(entry["title"]), str(entry.get("description") or ""),
                                                category.id, file, poster=poster, tags=_tags(entry.get("tags"), None),
                                                duration=entry.get("duration") or 0,
                                                transcript=str(entry.get("transcript") or ""), slug=slug)
        finally:
            if poster is not None:
                poster.close()
    video.featured = bool(entry.get("featured"))
    publish_directly(actor, video, when)
    report.created["videos"] += 1
