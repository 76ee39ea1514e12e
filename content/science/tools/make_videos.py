"""Generate the sample popular-science videos and posters in content/science/videos/.

Needs Pillow and the ffmpeg command line (with libvpx-vp9), only to generate the files:
the application never runs ffmpeg. On Debian: ``apt-get install -y ffmpeg``.
Run from the repository root:

    python content/science/tools/make_videos.py [slug ...]

Each video is a short silent animation (640x360, 24 fps, VP9 in WebM) drawn frame by frame
with Pillow and piped to ffmpeg as raw RGB; its poster is a 1280x720 JPEG of a key frame.
Durations here must match ``duration`` in content/science/videos.yaml.
"""

import math
import os
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

OUT = os.path.join(os.path.dirname(__file__), "..", "videos")
FPS = 24
VW, VH = 640, 360
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def font(size):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # no CJK font: captions are decoration, fall back silently
        return ImageFont.load_default()


class Frame:
    """A drawing surface in a 1280x720 coordinate system, rendered at any size."""

    def __init__(self, w, h, bg):
        self.k = w / 1280
        self.img = Image.new("RGB", (w, h), bg)
        self.d = ImageDraw.Draw(self.img)

    def xy(self, *pts):
        return [(x * self.k, y * self.k) for x, y in pts]

    def circle(self, x, y, r, **kw):
        if "width" in kw:
            kw["width"] = max(1, round(kw["width"] * self.k))
        self.d.ellipse([(x - r) * self.k, (y - r) * self.k, (x + r) * self.k, (y + r) * self.k], **kw)

    def line(self, pts, fill, width=3):
        self.d.line(self.xy(*pts), fill=fill, width=max(1, round(width * self.k)))

    def polygon(self, pts, **kw):
        self.d.polygon(self.xy(*pts), **kw)

    def text(self, x, y, s, size, fill, anchor="mm"):
        self.d.text((x * self.k, y * self.k), s, font=font(round(size * self.k)), fill=fill, anchor=anchor)

    def caption(self, s, fill=(255, 255, 255), band=(0, 0, 0)):
        self.d.rectangle([0, 640 * self.k, 1280 * self.k, 720 * self.k], fill=band)
        self.text(640, 680, s, 34, fill)


def pendulum(t, w, h):
    f = Frame(w, h, (246, 242, 232))
    f.line([(340, 90), (940, 90)], (90, 80, 70), 8)
    for length, color, x0 in ((260, (60, 110, 170), 520), (460, (200, 90, 60), 760)):
        period = 2 * math.pi * math.sqrt(length / 980)  # scaled "g"; long one swings slower
        a = 0.42 * math.cos(2 * math.pi * t / period)
        bx, by = x0 + length * math.sin(a), 90 + length * math.cos(a)
        f.line([(x0, 90), (bx, by)], (70, 70, 70), 3)
        f.circle(bx, by, 26, fill=color)
    f.text(640, 40, "摆长越长，周期越长：T = 2π√(L/g)", 34, (60, 50, 40))
    f.caption("单摆的周期与摆球质量、摆幅（小角度时）无关")
    return f.img


def moon_phases(t, w, h):
    f = Frame(w, h, (10, 12, 30))
    for i in range(40):
        f.circle((i * 997) % 1280, (i * 613) % 600, 2, fill=(200, 200, 230))
    for y in range(120, 560, 40):  # sunlight from the left
        f.line([(20, y), (120, y)], (255, 220, 120), 3)
    ex, ey = 430, 330
    f.circle(ex, ey, 60, fill=(50, 120, 210))
    a = 2 * math.pi * t / 16
    mx, my = ex + 210 * math.cos(a), ey - 210 * math.sin(a)
    f.circle(mx, my, 24, fill=(60, 60, 70))
    f.d.pieslice([(mx - 24) * f.k, (my - 24) * f.k, (mx + 24) * f.k, (my + 24) * f.k], 90, 270, fill=(235, 235, 220))
    # phase as seen from Earth (right panel); elongation a=0 full moon side away from the sun
    cx, cy, r = 1000, 320, 130
    f.circle(cx, cy, r, fill=(60, 60, 70))
    lit = (1 - math.cos(a + math.pi)) / 2  # 0 new moon (between Earth and Sun), 1 full moon
    waxing = math.sin(a + math.pi) > 0
    half = (cx - r, cy - r, cx + r, cy + r)
    box = [v * f.k for v in half]
    f.d.pieslice(box, -90, 90, fill=(235, 235, 220)) if waxing else f.d.pieslice(box, 90, 270, fill=(235, 235, 220))
    ew = abs(1 - 2 * lit) * r
    ell = [(cx - ew) * f.k, (cy - r) * f.k, (cx + ew) * f.k, (cy + r) * f.k]
    f.d.ellipse(ell, fill=(235, 235, 220) if lit > 0.5 else (60, 60, 70))
    f.text(1000, 500, "从地球上看到的月相", 30, (220, 220, 240))
    f.text(430, 600, "太阳光从左侧照来", 26, (255, 220, 120))
    f.caption("月球自身不发光：被照亮的半面朝向我们的部分不同，形成月相")
    return f.img


def seismic_waves(t, w, h):
    f = Frame(w, h, (250, 246, 238))
    f.text(640, 50, "纵波（P波）：振动方向与传播方向一致", 30, (150, 70, 40))
    f.text(640, 330, "横波（S波）：振动方向与传播方向垂直", 30, (40, 90, 150))
    k, wv = 2 * math.pi / 320, 2 * math.pi / 1.6
    for i in range(36):
        x = 60 + i * 33
        dx = 14 * math.sin(k * x - wv * t)
        for row in range(4):
            f.circle(x + dx, 130 + row * 40, 7, fill=(190, 100, 60))
        dy = 55 * math.sin(k * x - wv * t * 0.6)
        f.circle(x, 470 + dy, 9, fill=(60, 120, 190))
    f.line([(60, 560), (1220, 560)], (180, 170, 160), 2)
    f.caption("纵波跑得快，最先到达；横波晃动强，破坏性更大")
    return f.img


def kepler(t, w, h):
    f = Frame(w, h, (8, 10, 28))
    cx, cy, a, b = 640, 335, 400, 280
    c = math.sqrt(a * a - b * b)
    sx = cx + c  # the Sun at the focus nearer to E = 0 (perihelion)
    f.d.ellipse([(cx - a) * f.k, (cy - b) * f.k, (cx + a) * f.k, (cy + b) * f.k], outline=(90, 110, 160), width=2)
    e = c / a
    period = 15.0

    def pos(tt):
        m = 2 * math.pi * tt / period
        ea = m
        for _ in range(8):  # Kepler's equation, Newton iterations
            ea -= (ea - e * math.sin(ea) - m) / (1 - e * math.cos(ea))
        return cx + a * math.cos(ea), cy - b * math.sin(ea)

    colors = [(90, 160, 255), (255, 120, 140), (120, 220, 160)]
    for k, start in enumerate((0.0, 5.0, 10.0)):
        if t >= start:
            end = min(t, start + 1.6)
            pts = [pos(start + (end - start) * i / 20) for i in range(21)]
            f.polygon([(sx, cy)] + pts, fill=colors[k])
    f.circle(sx, cy, 34, fill=(255, 200, 80))
    px, py = pos(t)
    f.circle(px, py, 16, fill=(120, 200, 255))
    f.text(640, 40, "相同时间内扫过的面积相等", 32, (220, 220, 240))
    f.caption("开普勒第二定律：行星离太阳近时跑得快，离太阳远时跑得慢")
    return f.img


_GRID = {}


def interference(t, w, h):
    gw, gh = 160, 80
    if not _GRID:
        for j in range(gh):
            for i in range(gw):
                x, y = i * 8 + 4, j * 8 + 4
                _GRID[(i, j)] = (math.hypot(x - 500, y - 320), math.hypot(x - 780, y - 320))
    small = Image.new("RGB", (gw, gh))
    px = small.load()
    k, wv = 2 * math.pi / 70, 2 * math.pi / 1.0
    for (i, j), (r1, r2) in _GRID.items():
        v = math.sin(k * r1 - wv * t) + math.sin(k * r2 - wv * t)
        c = int(127 + 60 * v)
        px[i, j] = (max(0, c - 70), max(0, c - 20), min(255, c + 60))
    img = small.resize((w, h * 640 // 720), Image.BICUBIC)
    f = Frame(w, h, (0, 0, 0))
    f.img.paste(img, (0, 0))
    f.circle(500, 320, 10, fill=(255, 255, 255))
    f.circle(780, 320, 10, fill=(255, 255, 255))
    f.caption("两列相干水波相遇：波峰与波峰叠加处加强，波峰与波谷相遇处减弱")
    return f.img


VIDEOS = [
    ("pendulum-period", pendulum, 12, 3.0),
    ("moon-phases", moon_phases, 16, 6.0),
    ("seismic-waves", seismic_waves, 12, 1.0),
    ("kepler-second-law", kepler, 15, 12.0),
    ("wave-interference", interference, 10, 2.0),
]


def encode(slug, draw, seconds):
    path = os.path.join(OUT, f"{slug}.webm")
    cmd = ["ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{VW}x{VH}", "-r", str(FPS), "-i", "-", "-an",
           "-c:v", "libvpx-vp9", "-b:v", "150k", "-crf", "40", "-row-mt", "1",
           "-deadline", "good", "-cpu-used", "4", "-pix_fmt", "yuv420p", path]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    for n in range(seconds * FPS):
        proc.stdin.write(draw(n / FPS, VW, VH).tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit(f"ffmpeg failed for {slug}")
    return path


def main(only=()):
    os.makedirs(OUT, exist_ok=True)
    for slug, draw, seconds, poster_t in VIDEOS:
        if only and slug not in only:
            continue
        path = encode(slug, draw, seconds)
        draw(poster_t, 1280, 720).save(os.path.join(OUT, f"{slug}.jpg"), "JPEG", quality=82, optimize=True)
        print(slug, seconds, "s", os.path.getsize(path) // 1024, "KB")


if __name__ == "__main__":
    main(sys.argv[1:])
