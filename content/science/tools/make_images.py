"""Generate the abstract cover images in content/science/images/ (1200x675 JPEG, quality 80).

Each cover is a soft gradient with a few geometric shapes evoking the article's topic; no text.
Deterministic (seeded per slug), needs only Pillow. Run from the repository root:

    python content/science/tools/make_images.py
"""

import math
import os
import random

from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 675
S = 2  # supersampling factor for smooth edges
OUT = os.path.join(os.path.dirname(__file__), "..", "images")


def gradient(top, bottom, diagonal=False):
    img = Image.new("RGB", (W * S, H * S))
    px = img.load()
    w, h = img.size
    for y in range(h):
        for x in range(0, w, 1 if diagonal else w):
            t = (x / w * 0.5 + y / h * 0.5) if diagonal else y / h
            c = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
            if diagonal:
                px[x, y] = c
            else:
                ImageDraw.Draw(img).line([(0, y), (w, y)], fill=c)
                break
    return img


def canvas(top, bottom, diagonal=False):
    base = gradient(top, bottom, diagonal).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    return base, layer, ImageDraw.Draw(layer)


def finish(base, layer, name, blur=0):
    if blur:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    img = Image.alpha_composite(base, layer).convert("RGB").resize((W, H), Image.LANCZOS)
    img.save(os.path.join(OUT, name), "JPEG", quality=80, optimize=True, progressive=True)


def p(x, y):
    return (x * S, y * S)


def circle(d, cx, cy, r, **kw):
    if "width" in kw:
        kw["width"] *= S
    d.ellipse([p(cx - r, cy - r), p(cx + r, cy + r)], **kw)


def line(d, pts, fill, width):
    d.line([p(x, y) for x, y in pts], fill=fill, width=width * S, joint="curve")


def ripples(name, rnd):
    base, layer, d = canvas((12, 18, 52), (40, 20, 90))
    for cx, cy in ((520, 340), (680, 330)):
        for i in range(14):
            r = 30 + i * 38
            circle(d, cx, cy, r, outline=(140, 180, 255, max(20, 170 - i * 11)), width=3)
    circle(d, 520, 340, 26, fill=(255, 210, 120, 255))
    circle(d, 680, 330, 22, fill=(255, 160, 90, 255))
    for _ in range(80):
        circle(d, rnd.uniform(0, W), rnd.uniform(0, H), rnd.uniform(1, 2.5), fill=(255, 255, 255, 180))
    finish(base, layer, name)


def seismic(name, rnd):
    base, layer, d = canvas((245, 236, 220), (214, 190, 160))
    for k, color in enumerate([(150, 90, 60, 255), (200, 120, 70, 200), (90, 70, 60, 160)]):
        pts = []
        for x in range(0, W + 10, 6):
            env = math.exp(-((x - 520 - k * 60) / 170) ** 2)
            pts.append((x, 300 + k * 90 + math.sin(x / (9 + k * 3)) * 120 * env + rnd.uniform(-3, 3)))
        line(d, pts, color, 3)
    for i in range(6):
        circle(d, 950, 520, 20 + i * 26, outline=(160, 80, 50, 150 - i * 20), width=3)
    finish(base, layer, name)


def dish(name, rnd):
    base, layer, d = canvas((8, 14, 40), (30, 60, 90))
    for _ in range(120):
        circle(d, rnd.uniform(0, W), rnd.uniform(0, 380), rnd.uniform(1, 2.6), fill=(255, 255, 255, rnd.randint(90, 220)))
    hills = [(0, 520), (150, 430), (300, 500), (900, 480), (1050, 410), (1200, 500), (1200, 675), (0, 675)]
    d.polygon([p(x, y) for x, y in hills], fill=(20, 50, 45, 255))
    d.pieslice([p(300, 240), p(900, 600)], 0, 180, fill=(190, 205, 215, 255))
    d.pieslice([p(330, 262), p(870, 578)], 0, 180, fill=(120, 140, 160, 255))
    for i in range(9):
        x = 330 + i * 67
        line(d, [(x, 420), (600, 250)], (230, 235, 240, 140), 2)
    circle(d, 600, 250, 14, fill=(240, 200, 90, 255))
    for i in range(5):
        d.arc([p(600 - 60 - i * 40, 80 - i * 30), p(600 + 60 + i * 40, 260 + i * 30)], 220, 320,
              fill=(120, 200, 255, 160), width=3 * S)
    finish(base, layer, name)


def photons(name, rnd):
    base, layer, d = canvas((10, 20, 60), (10, 80, 110), diagonal=True)
    line(d, [(80, 560), (1120, 120)], (120, 220, 255, 120), 3)
    for i in range(12):
        t = i / 11
        x, y = 80 + t * 1040, 560 - t * 440
        circle(d, x, y, 12, fill=(255, 240, 160, 255))
        a = rnd.choice([0, 45, 90, 135]) * math.pi / 180
        line(d, [(x - 34 * math.cos(a), y - 34 * math.sin(a)), (x + 34 * math.cos(a), y + 34 * math.sin(a))],
             (255, 255, 255, 220), 3)
    circle(d, 1050, 140, 60, outline=(180, 230, 255, 220), width=4)
    circle(d, 150, 540, 60, outline=(180, 230, 255, 220), width=4)
    finish(base, layer, name)


def battery(name, rnd):
    base, layer, d = canvas((235, 245, 240), (180, 220, 205))
    d.rounded_rectangle([p(160, 170), p(1000, 505)], radius=40 * S, outline=(40, 90, 80, 255), width=10 * S)
    d.rounded_rectangle([p(1000, 280), p(1050, 395)], radius=12 * S, fill=(40, 90, 80, 255))
    d.rectangle([p(195, 205), p(420, 470)], fill=(70, 130, 180, 230))
    d.rectangle([p(740, 205), p(965, 470)], fill=(90, 160, 110, 230))
    line(d, [(580, 205), (580, 470)], (120, 120, 120, 200), 4)
    for _ in range(26):
        x, y = rnd.uniform(430, 730), rnd.uniform(220, 455)
        circle(d, x, y, 11, fill=(240, 170, 60, 255))
    for i in range(5):
        y = 235 + i * 50
        line(d, [(470, y), (690, y)], (240, 170, 60, 90), 2)
    finish(base, layer, name)


def helix(name, rnd):
    base, layer, d = canvas((20, 10, 50), (70, 30, 110), diagonal=True)
    a_pts, b_pts = [], []
    for x in range(60, 1150, 4):
        ph = x / 75
        a_pts.append((x, 337 + math.sin(ph) * 150))
        b_pts.append((x, 337 - math.sin(ph) * 150))
    for x in range(60, 1150, 28):
        ph = x / 75
        cols = [(255, 120, 150, 200), (120, 220, 200, 200), (255, 210, 90, 200), (140, 160, 255, 200)]
        line(d, [(x, 337 + math.sin(ph) * 150), (x, 337 - math.sin(ph) * 150)], rnd.choice(cols), 5)
    line(d, a_pts, (255, 255, 255, 240), 8)
    line(d, b_pts, (200, 180, 255, 240), 8)
    d.polygon([p(640, 120), p(700, 160), p(640, 200)], fill=(255, 230, 120, 255))
    finish(base, layer, name)


def leaf(name, rnd):
    base, layer, d = canvas((250, 245, 200), (160, 210, 140))
    circle(d, 1020, 140, 90, fill=(255, 210, 80, 255))
    for i in range(12):
        a = i * math.pi / 6
        line(d, [(1020 + 110 * math.cos(a), 140 + 110 * math.sin(a)),
                 (1020 + 150 * math.cos(a), 140 + 150 * math.sin(a))], (255, 200, 70, 220), 6)
    d.chord([p(200, 150), p(860, 620)], 200, 340, fill=(60, 140, 70, 255))
    d.chord([p(200, -60), p(860, 410)], 20, 160, fill=(60, 140, 70, 255))
    line(d, [(240, 330), (820, 300)], (200, 240, 180, 255), 5)
    for i in range(1, 7):
        x = 240 + i * 85
        y = 330 - i * 4
        line(d, [(x, y), (x + 60, y - 80)], (200, 240, 180, 220), 3)
        line(d, [(x, y), (x + 60, y + 70)], (200, 240, 180, 220), 3)
    for _ in range(10):
        circle(d, rnd.uniform(880, 1100), rnd.uniform(330, 600), rnd.uniform(8, 18), outline=(255, 255, 255, 200), width=3)
    finish(base, layer, name)


def rust(name, rnd):
    base, layer, d = canvas((190, 195, 200), (120, 125, 135))
    for _ in range(40):
        x, y, r = rnd.uniform(0, W), rnd.uniform(0, H), rnd.uniform(20, 110)
        circle(d, x, y, r, fill=(rnd.randint(150, 200), rnd.randint(70, 100), rnd.randint(30, 50), rnd.randint(70, 150)))
    finish(base, layer, name, blur=18)
    base = Image.open(os.path.join(OUT, name)).resize((W * S, H * S)).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    for i, (x, y) in enumerate([(300, 340), (600, 340), (900, 340)]):
        circle(d, x, y, 70, outline=(255, 255, 255, 220), width=5)
        circle(d, x, y, 20, fill=(255, 255, 255, 200) if i != 1 else (255, 170, 90, 230))
    line(d, [(370, 340), (530, 340)], (255, 255, 255, 160), 4)
    line(d, [(670, 340), (830, 340)], (255, 255, 255, 160), 4)
    finish(base, layer, name)


def peaks(name, rnd):
    base, layer, d = canvas((200, 225, 230), (240, 235, 215))
    for layer_i, (shade, base_y) in enumerate([((140, 170, 165), 460), ((90, 130, 115), 520), ((50, 95, 80), 585)]):
        x = -40
        while x < W + 40:
            w = rnd.uniform(90, 170)
            h = rnd.uniform(150, 300) - layer_i * 30
            d.chord([p(x, base_y - h), p(x + w, base_y + h)], 180, 360, fill=shade + (255,))
            d.rectangle([p(x, base_y), p(x + w, H)], fill=shade + (255,))
            x += w * rnd.uniform(0.6, 0.9)
    pts = [(0, 640)] + [(x, 610 + math.sin(x / 140) * 18) for x in range(0, W + 20, 20)] + [(W, 675), (0, 675)]
    d.polygon([p(x, y) for x, y in pts], fill=(120, 180, 200, 255))
    finish(base, layer, name)


def birds(name, rnd):
    base, layer, d = canvas((255, 214, 170), (130, 170, 200))
    d.rectangle([p(0, 470), p(W, H)], fill=(150, 140, 120, 255))
    for i in range(8):
        y = 480 + i * 24
        line(d, [(0, y), (W, y + rnd.uniform(-6, 6))], (190, 180, 160, 160), 3)
    circle(d, 900, 420, 70, fill=(255, 235, 200, 230))
    for k in range(28):
        t = k / 27
        x = 180 + t * 700 + rnd.uniform(-30, 30)
        y = 300 - abs(t - 0.5) * 260 + rnd.uniform(-20, 20)
        s = rnd.uniform(12, 22)
        line(d, [(x - s, y - s * 0.5), (x, y), (x + s, y - s * 0.5)], (50, 50, 60, 230), 3)
    finish(base, layer, name)


def rice(name, rnd):
    base, layer, d = canvas((255, 240, 190), (200, 215, 120))
    for row in range(7):
        y0 = 675 - row * 40
        for x0 in range(-20, W + 20, 55):
            x = x0 + (row % 2) * 27
            h = 220 + rnd.uniform(-30, 30) - row * 18
            tip = (x + 40, y0 - h)
            line(d, [(x, y0), (x + 10, y0 - h * 0.6), tip], (110 + row * 12, 150 + row * 6, 60, 255), 4)
            for g in range(6):
                gx = tip[0] + 6 + g * 5
                gy = tip[1] + g * 14
                circle(d, gx, gy, 6, fill=(225, 180, 70, 255))
    finish(base, layer, name)


def network(name, rnd):
    base, layer, d = canvas((15, 25, 45), (40, 60, 100), diagonal=True)
    layers = [5, 8, 8, 5]
    nodes = []
    for i, n in enumerate(layers):
        x = 200 + i * 270
        nodes.append([(x, 337 + (j - (n - 1) / 2) * 70) for j in range(n)])
    for a, b in zip(nodes, nodes[1:]):
        for pa in a:
            for pb in b:
                line(d, [pa, pb], (120, 200, 255, rnd.randint(30, 110)), 2)
    for col in nodes:
        for x, y in col:
            circle(d, x, y, 16, fill=(255, 255, 255, 255))
            circle(d, x, y, 9, fill=(90, 170, 255, 255))
    finish(base, layer, name)


def lock(name, rnd):
    base, layer, d = canvas((30, 40, 50), (20, 90, 90))
    for i in range(0, W, 40):
        for j in range(0, H, 40):
            if rnd.random() < 0.35:
                circle(d, i + 20, j + 20, 3, fill=(120, 220, 200, 90))
    d.rounded_rectangle([p(470, 300), p(730, 520)], radius=24 * S, fill=(240, 200, 90, 255))
    d.arc([p(520, 170), p(680, 400)], 180, 360, fill=(240, 200, 90, 255), width=26 * S)
    line(d, [(520, 285), (520, 305)], (240, 200, 90, 255), 26)
    line(d, [(680, 285), (680, 305)], (240, 200, 90, 255), 26)
    circle(d, 600, 390, 24, fill=(60, 60, 60, 255))
    d.polygon([p(590, 400), p(610, 400), p(618, 470), p(582, 470)], fill=(60, 60, 60, 255))
    finish(base, layer, name)


def bridge(name, rnd):
    base, layer, d = canvas((190, 220, 245), (240, 240, 235))
    d.rectangle([p(0, 430), p(W, H)], fill=(70, 130, 160, 255))
    for i in range(10):
        y = 450 + i * 22
        line(d, [(0, y), (W, y)], (110, 165, 190, 120), 2)
    line(d, [(0, 400), (560, 380)], (80, 80, 90, 255), 10)
    for tx in (160, 380):
        line(d, [(tx, 395), (tx, 200)], (80, 80, 90, 255), 10)
        for k in range(1, 7):
            line(d, [(tx, 210), (tx - k * 30, 395 - k * 0.5)], (90, 90, 100, 200), 2)
            line(d, [(tx, 210), (tx + k * 30, 392)], (90, 90, 100, 200), 2)
    d.ellipse([p(560, 370), p(700, 410)], fill=(200, 190, 150, 255))
    d.ellipse([p(980, 370), p(1120, 410)], fill=(200, 190, 150, 255))
    for x in range(640, 1050, 40):
        d.rounded_rectangle([p(x, 520), p(x + 34, 545)], radius=6 * S, fill=(40, 60, 80, 220))
    line(d, [(1120, 390), (W, 385)], (80, 80, 90, 255), 10)
    finish(base, layer, name)


def orbits(name, rnd):
    base, layer, d = canvas((5, 10, 35), (20, 40, 80))
    for _ in range(90):
        circle(d, rnd.uniform(0, W), rnd.uniform(0, H), rnd.uniform(0.8, 2), fill=(255, 255, 255, 170))
    circle(d, 600, 337, 130, fill=(40, 110, 200, 255))
    d.chord([p(500, 250), p(640, 400)], 0, 360, fill=(80, 160, 90, 255))
    for rx, ry, col in ((360, 150, (255, 210, 90, 200)), (470, 230, (150, 220, 255, 160)), (520, 90, (255, 150, 120, 160))):
        d.ellipse([p(600 - rx, 337 - ry), p(600 + rx, 337 + ry)], outline=col, width=3 * S)
        a = rnd.uniform(0, 2 * math.pi)
        sx, sy = 600 + rx * math.cos(a), 337 + ry * math.sin(a)
        d.rectangle([p(sx - 10, sy - 10), p(sx + 10, sy + 10)], fill=(230, 230, 240, 255))
        line(d, [(sx - 34, sy), (sx + 34, sy)], (120, 170, 255, 255), 6)
    finish(base, layer, name)


def moon(name, rnd):
    base, layer, d = canvas((5, 5, 20), (30, 25, 50))
    for _ in range(80):
        circle(d, rnd.uniform(0, W), rnd.uniform(0, H), rnd.uniform(0.8, 2), fill=(255, 255, 255, 160))
    circle(d, 520, 337, 250, fill=(200, 198, 190, 255))
    for _ in range(22):
        a, r = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, 200)
        cr = rnd.uniform(10, 45)
        circle(d, 520 + r * math.cos(a), 337 + r * math.sin(a), cr, fill=(165, 162, 155, 255))
    circle(d, 960, 170, 45, fill=(60, 130, 220, 255))
    d.polygon([p(900, 480), p(930, 430), p(960, 480)], fill=(240, 200, 90, 255))
    line(d, [(930, 430), (930, 390)], (240, 200, 90, 255), 4)
    finish(base, layer, name)


def bubbles(name, rnd):
    base, layer, d = canvas((255, 248, 230), (235, 215, 170))
    d.rounded_rectangle([p(420, 140), p(780, 600)], radius=60 * S, outline=(120, 100, 70, 255), width=8 * S)
    d.rounded_rectangle([p(430, 330), p(770, 590)], radius=50 * S, fill=(220, 200, 120, 200))
    for _ in range(30):
        circle(d, rnd.uniform(460, 740), rnd.uniform(340, 570), rnd.uniform(5, 16), outline=(255, 255, 255, 230), width=3)
    for _ in range(40):
        x, y = rnd.uniform(80, 380) if rnd.random() < 0.5 else rnd.uniform(820, 1120), rnd.uniform(80, 600)
        d.rounded_rectangle([p(x, y), p(x + 30, y + 12)], radius=6 * S, fill=(170, 120, 90, 150))
    finish(base, layer, name)


def capsules(name, rnd):
    base, layer, d = canvas((235, 245, 255), (200, 220, 240))
    for _ in range(24):
        x, y = rnd.uniform(40, 1100), rnd.uniform(40, 600)
        d.rounded_rectangle([p(x, y), p(x + 70, y + 26)], radius=13 * S, fill=(120, 180, 120, 160))
    for cx, cy in ((420, 337), (800, 300)):
        d.rounded_rectangle([p(cx - 120, cy - 45), p(cx + 120, cy + 45)], radius=45 * S, fill=(230, 90, 90, 255))
        d.rounded_rectangle([p(cx, cy - 45), p(cx + 120, cy + 45)], radius=45 * S, fill=(250, 250, 250, 255))
        d.rectangle([p(cx, cy - 45), p(cx + 40, cy + 45)], fill=(250, 250, 250, 255))
    finish(base, layer, name)


def magnifier(name, rnd):
    base, layer, d = canvas((245, 240, 255), (200, 200, 240), diagonal=True)
    pts = [(rnd.uniform(60, 1140), rnd.uniform(60, 620)) for _ in range(50)]
    for x, y in pts:
        circle(d, x, y, 7, fill=(120, 120, 200, 150))
    circle(d, 560, 300, 170, fill=(255, 255, 255, 150), outline=(70, 60, 140, 255), width=16)
    line(d, [(680, 420), (840, 580)], (70, 60, 140, 255), 34)
    for x, y in pts:
        if (x - 560) ** 2 + (y - 300) ** 2 < 150 ** 2:
            circle(d, x, y, 16, fill=(240, 150, 60, 255))
    finish(base, layer, name)


def blocks(name, rnd, palette):
    top, bottom, accent = palette
    base, layer, d = canvas(top, bottom, diagonal=True)
    for i in range(7):
        h = 80 + i * 55 + rnd.uniform(-20, 20)
        x = 140 + i * 130
        d.rounded_rectangle([p(x, 600 - h), p(x + 90, 600)], radius=14 * S, fill=accent + (200,))
    pts = [(140 + i * 130 + 45, 600 - (80 + i * 55) - 60) for i in range(7)]
    line(d, pts, (255, 255, 255, 230), 6)
    for x, y in pts:
        circle(d, x, y, 12, fill=(255, 255, 255, 255))
    circle(d, 1050, 130, 70, outline=(255, 255, 255, 200), width=8)
    finish(base, layer, name)


COVERS = {
    "gravitational-waves": ripples,
    "earthquake-magnitude": seismic,
    "fast-radio-telescope": dish,
    "quantum-communication-micius": photons,
    "lithium-ion-battery": battery,
    "crispr-gene-editing": helix,
    "photosynthesis": leaf,
    "why-iron-rusts": rust,
    "karst-landforms-guangxi": peaks,
    "yancheng-wetlands-migratory-birds": birds,
    "hybrid-rice": rice,
    "how-large-language-models-work": network,
    "public-key-cryptography": lock,
    "hong-kong-zhuhai-macao-bridge": bridge,
    "beidou-navigation": orbits,
    "change-lunar-samples": moon,
    "fermentation-science": bubbles,
    "antibiotic-resistance": capsules,
    "scientific-thinking": magnifier,
    "policy-science-popularization-opinions-2022":
        lambda n, r: blocks(n, r, ((180, 30, 40), (240, 120, 60), (255, 220, 150))),
    "policy-national-scientific-literacy-plan":
        lambda n, r: blocks(n, r, ((20, 70, 140), (60, 160, 190), (200, 235, 255))),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for slug, draw in COVERS.items():
        draw(f"{slug}.jpg", random.Random(slug))
        print(slug, os.path.getsize(os.path.join(OUT, f"{slug}.jpg")) // 1024, "KB")


if __name__ == "__main__":
    main()
