"""Science-education bases (科普教育基地) and the map's GeoJSON."""
import re

from flask import url_for

from webapp.core import audit
from webapp.core.db import get_by_id
from webapp.core.errors import NotFound, ValidationError
from webapp.core.permissions import guard
from webapp.extensions import db
from webapp.science.models import BaseType, ScienceAction, ScienceBase
from webapp.science.services.rules import why_not_edit_bases

TEXT_LIMITS = {"name": 120, "city": 40, "province": 40, "address": 200, "opening_hours": 200, "phone": 60,
               "website": 200, "description": 5000}


_NUMBER = r"\s*-?\d{1,3}(\.\d{1,12})?\s*"
BBOX_PATTERN = f"^{_NUMBER}(,{_NUMBER}){{3}}$"
BBOX_MESSAGE = "bbox 应为 west,south,east,north 四个数（经纬度，度）"


def parse_bbox(text):
    """'west,south,east,north' → a tuple of floats, clamped to the globe (a box inverted or
    off the globe finds nothing); ValidationError when it is not four such numbers."""
    if not re.match(BBOX_PATTERN, str(text)):
        raise ValidationError(fields={"bbox": BBOX_MESSAGE})
    west, south, east, north = (float(p) for p in str(text).split(","))
    clamp = lambda v, limit: max(-limit, min(limit, v))  # noqa: E731
    return clamp(west, 180), clamp(south, 90), clamp(east, 180), clamp(north, 90)


def bases(type=None, city=None, bbox=None):
    """A query of the bases matching the filters, by name."""
    query = ScienceBase.query
    if type:
        query = query.filter(ScienceBase.type == type)
    if city:
        query = query.filter(ScienceBase.city == city)
    if bbox:
        west, south, east, north = bbox
        query = query.filter(ScienceBase.lon.between(west, east), ScienceBase.lat.between(south, north))
    return query.order_by(ScienceBase.name)


def cities():
    return [c for (c,) in db.session.query(ScienceBase.city).distinct().order_by(ScienceBase.city) if c]


def type_counts():
    rows = dict(db.session.query(ScienceBase.type, db.func.count(ScienceBase.id)).group_by(ScienceBase.type))
    return [(t, rows.get(t.value, 0)) for t in BaseType]


def get_base(base_id):
    base = get_by_id(ScienceBase, base_id)
    if base is None:
        raise NotFound("找不到该科普基地")
    return base


def feature(base, page=None):
    """One GeoJSON Feature: a Point in [lon, lat] order."""
    return {
        "type": "Feature",
        "id": base.id,
        "geometry": {"type": "Point", "coordinates": [round(base.lon, 6), round(base.lat, 6)]},
        "properties": {
            "name": base.name, "type": base.type, "type_title": base.type_enum.title, "city": base.city,
            "province": base.province, "address": base.address, "opening_hours": base.opening_hours,
            "phone": base.phone, "website": base.website,
            "url": page.format(base.id) if page else url_for("science.base", base_id=base.id),
        },
    }


def feature_collection(query, key=None):
    """The FeatureCollection of the bases `query` finds (cached under `key`, if given)."""
    from webapp.science.services.cache import cached

    def build():
        # One url_for for all: a thousand of them were a fifth of the whole-country answer.
        page = url_for("science.base", base_id=987654321).replace("987654321", "{}")
        return {"type": "FeatureCollection", "features": [feature(b, page) for b in query]}

    return cached("geojson", key, build) if key is not None else build()


def _clean(values):
    problems = {}
    clean = {}
    for key, limit in TEXT_LIMITS.items():
        value = (values.get(key) or "").strip()
        if len(value) > limit:
            problems[key] = f"不能超过 {limit} 字"
        clean[key] = value
    if not clean["name"]:
        problems["name"] = "请填写名称"
    base_type = BaseType.from_title(values.get("type") or "")
    if base_type is None:
        problems["type"] = "请选择基地类型"
    try:
        lon, lat = float(values.get("lon")), float(values.get("lat"))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError
    except (TypeError, ValueError):
        problems["lon"] = "请填写有效的经纬度"
        lon = lat = None
    if clean["website"] and not clean["website"].startswith(("http://", "https://")):
        problems["website"] = "网址应以 http:// 或 https:// 开头"
    if problems:
        raise ValidationError(fields=problems)
    clean.update(type=base_type.value, lon=lon, lat=lat)
    return clean


def save_base(user, base, values, photo=None):
    """Create (`base` None) or update a base; staff only."""
    guard(why_not_edit_bases(user))
    clean = _clean(values)
    clash = ScienceBase.query.filter(ScienceBase.name == clean["name"])
    if base is not None:
        clash = clash.filter(ScienceBase.id != base.id)
    if clash.first() is not None:
        raise ValidationError(fields={"name": "已有同名的科普基地"})
    if base is None:
        base = ScienceBase(**clean)
        db.session.add(base)
    else:
        for key, value in clean.items():
            setattr(base, key, value)
    if photo is not None:
        from webapp.science.services import media

        try:
            base.photo_key = media.save_cover(photo)
        except ValidationError as exc:
            raise ValidationError(fields={"photo": exc.message}) from None
    db.session.flush()
    from webapp.science.services.cache import clear

    clear("geojson")
    if user is not None:
        audit.record(user, ScienceAction.base_save, "science_base", base.id, summary=f"保存科普基地 {base.name}")
    return base


def bases_fields():
    """The fields a base form carries (the service's values)."""
    return (*TEXT_LIMITS, "type", "lon", "lat")
