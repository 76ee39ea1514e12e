"""Build static/science/china-provinces.geojson from the China map shipped by ECharts 4.

Source: the npm package echarts@4.9.0 (Apache-2.0), file ``map/json/china.json``: GeoJSON
in ECharts' compact "UTF8Encoding" (zigzag-delta coordinates, scale 1024).
This script decodes it, simplifies every ring with Douglas-Peucker (pure Python, no
shapely), rounds coordinates to 3 decimals and writes plain GeoJSON with {name} only.

Usage (from the repository root):
    cd /tmp && npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz package/map/json/china.json
    python content/science/tools/simplify_outline.py /tmp/package/map/json/china.json \
        static/science/china-provinces.geojson
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


def main(src, dst):
    with open(src, encoding="utf-8") as fh:
        collection = convert(fh.read())
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(collection, fh, ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    print(f"{len(collection['features'])} features written to {dst}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
