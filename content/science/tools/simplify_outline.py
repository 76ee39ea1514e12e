"""Build static/science/china-provinces.geojson from the China map shipped by ECharts 4.

Source: the npm package echarts@4.9.0 (Apache-2.0), file ``map/json/china.json``: GeoJSON
in ECharts' compact "UTF8Encoding" (zigzag-delta coordinates, scale 1024).
This script decodes it, simplifies every ring with Douglas-Peucker (pure Python, no
shapely), rounds coordinates to 3 decimals and writes plain GeoJSON with {name} only.

The ECharts map has no South China Sea islands (ECharts draws them as an inset), so they are
taken from a second npm package, @surbowl/world-geo-json-zh@2.1.5 (Unlicense, public domain),
whose annotated ``world.zh.jsonc`` marks them: the Dongsha Islands go into 广东, the Xisha
and Nansha Islands into 海南, and the ten-dash line becomes one extra feature, 南海十段线
(a maritime boundary line, not a province). These small shapes are only rounded, never
simplified (Douglas-Peucker would collapse the thin dashes).

Usage (from the repository root):
    cd /tmp && npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz package/map/json/china.json
    npm pack @surbowl/world-geo-json-zh@2.1.5 && mkdir sb && tar xzf surbowl-*.tgz -C sb
    python content/science/tools/simplify_outline.py /tmp/package/map/json/china.json \
        static/science/china-provinces.geojson /tmp/sb/package/world.zh.jsonc
"""

import json
import re
import sys

TOLERANCE = 0.02  # degrees (about 2 km): invisible at country zoom, keeps small islands
ENCODE_SCALE = 1024


def decode_ring(text, offset):
    prev_x, prev_y = offset
    points = []
    for i in range(0, len(text), 2):
        x = ord(text[i]) - 64
        y = ord(text[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        points.append((x / ENCODE_SCALE, y / ENCODE_SCALE))
    return points


def _perpendicular(p, a, b):
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def douglas_peucker(points, tolerance):
    """Iterative Douglas-Peucker on an open polyline; keeps both ends."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        best, index = 0.0, None
        for i in range(start + 1, end):
            d = _perpendicular(points[i], points[start], points[end])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.append((start, index))
            stack.append((index, end))
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(points, tolerance):
    if points[0] != points[-1]:
        points = points + [points[0]]
    # Split the closed ring at its farthest point from the start so both halves are open lines.
    far = max(range(len(points)), key=lambda i: (points[i][0] - points[0][0]) ** 2
              + (points[i][1] - points[0][1]) ** 2)
    first = douglas_peucker(points[: far + 1], tolerance)
    second = douglas_peucker(points[far:], tolerance)
    ring = first + second[1:]
    ring = [(round(x, 3), round(y, 3)) for x, y in ring]
    deduped = [ring[0]]
    for p in ring[1:]:
        if p != deduped[-1]:
            deduped.append(p)
    if deduped[0] != deduped[-1]:
        deduped.append(deduped[0])
    if len(deduped) < 4:
        return None
    return [list(p) for p in deduped]


def polygon(rings, offsets):
    out = []
    for text, offset in zip(rings, offsets):
        ring = simplify_ring(decode_ring(text, offset), TOLERANCE)
        if ring is None:
            if not out:  # the outer ring collapsed: keep the tiny island as a triangle-free point set
                raw = [(round(x, 3), round(y, 3)) for x, y in decode_ring(text, offset)]
                raw = list(dict.fromkeys(raw))
                if len(raw) >= 3:
                    ring = [list(p) for p in raw] + [list(raw[0])]
                else:
                    return None
            else:
                continue
        out.append(ring)
    return out


def convert(source_text):
    match = re.search(r"registerMap\('china',\s*(\{.*\})\);", source_text, re.S)
    data = json.loads(match.group(1) if match else source_text)
    features = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            polys = [polygon(geometry["coordinates"], geometry["encodeOffsets"])]
        else:
            polys = [polygon(rings, offs) for rings, offs in
                      zip(geometry["coordinates"], geometry["encodeOffsets"])]
        polys = [p for p in polys if p]
        geom = ({"type": "Polygon", "coordinates": polys[0]} if len(polys) == 1
                else {"type": "MultiPolygon", "coordinates": polys})
        features.append({"type": "Feature", "properties": {"name": feature["properties"]["name"]},
                         "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


SOUTH_CHINA_SEA = {"东沙群岛": "广东", "西沙群岛": "海南", "南沙群岛": "海南",
                   "中国南海海域十段线": "南海十段线"}


def annotated_sections(jsonc_text):
    """Polygons listed under the '// ==== <name> ====' markers of world.zh.jsonc (first, live copy)."""
    sections, current, inside = {}, None, False
    for raw in jsonc_text.splitlines():
        line = raw.strip()
        if line.startswith("// ===="):
            name = line.strip("/= ").strip()
            current = name if name in SOUTH_CHINA_SEA and name not in sections else None
        elif current and line == "// geometry begin":
            inside, sections[current] = True, []
        elif line == "// geometry end":
            inside, current = False, None
        elif inside and current and not line.startswith("//"):
            sections[current].append(json.loads(line.rstrip(",")))
    return sections


def add_south_china_sea(collection, jsonc_text):
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    for section, polygons in annotated_sections(jsonc_text).items():
        polygons = [[[[round(x, 3), round(y, 3)] for x, y in ring] for ring in poly] for poly in polygons]
        target = SOUTH_CHINA_SEA[section]
        if target not in by_name:
            feature = {"type": "Feature", "properties": {"name": target},
                       "geometry": {"type": "MultiPolygon", "coordinates": []}}
            collection["features"].append(feature)
            by_name[target] = feature
        geometry = by_name[target]["geometry"]
        if geometry["type"] == "Polygon":
            geometry["type"], geometry["coordinates"] = "MultiPolygon", [geometry["coordinates"]]
        geometry["coordinates"].extend(polygons)


def main(src, dst, islands=None):
    with open(src, encoding="utf-8") as fh:
        collection = convert(fh.read())
    if islands:
        with open(islands, encoding="utf-8") as fh:
            add_south_china_sea(collection, fh.read())
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(collection, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    print(f"{len(collection['features'])} features written to {dst}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
