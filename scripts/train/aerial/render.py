"""Scene rendering for the aerial model: flower plantings with known head centres, drawn on real aerial ground.

A scene is drawn on a *canvas* at a fine ground resolution (cm/px), then `camera()` turns it into what a drone
camera at its native resolution would record (downsampling, defocus, motion blur, noise, haze, JPEG). Every planted
head is returned with its centre and kind, and every planting with its outline, so training maps and evaluation
truth are exact. Used by synth_train.py (training/validation samples) and synth_frames.py (evaluation and demo
frames). Deterministic for a given random.Random.
"""
import io
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from synth_drone import load_flowers, somniferum_recolour  # noqa: E402  real flower cut-outs of a split

# ------------------------------------------------------------------ flower sprites (drawn at 64 px, RGBA)

SPRITE = 64

POPPY_COLOURS = {  # P. somniferum petal colours (RGB) and how often growers' plots show them
    'white': ((236, 234, 228), 3), 'red': ((196, 28, 36), 2), 'pink': ((236, 140, 176), 3),
    'mauve': ((186, 120, 186), 3), 'purple': ((118, 44, 118), 2), 'lilac': ((206, 176, 222), 1),
}


def _jitter(rgb, rnd, amount=18):
    return tuple(int(max(0, min(255, c + rnd.uniform(-amount, amount)))) for c in rgb)


def _shade(rgb, f):
    return tuple(int(max(0, min(255, c * f))) for c in rgb)


def _petal_flower(rnd, petals, colour, centre, centre_r, petal_len, petal_w, blotch=None, layers=1):
    """Top view of a radial flower: `petals` ellipses around a centre disc, optional dark basal blotch."""
    im = Image.new('RGBA', (SPRITE * 2, SPRITE * 2), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    c = SPRITE
    base = rnd.uniform(0, 360)
    for layer in range(layers):
        scale = 1.0 - 0.28 * layer
        for i in range(petals):
            a = math.radians(base + 360 * i / petals + layer * 180 / petals + rnd.uniform(-8, 8))
            L = petal_len * scale * rnd.uniform(0.85, 1.1) * SPRITE
            W = petal_w * scale * rnd.uniform(0.85, 1.15) * SPRITE
            petal = Image.new('RGBA', (int(2 * L) + 4, int(2 * L) + 4), (0, 0, 0, 0))
            pd = ImageDraw.Draw(petal)
            pc = L + 2
            col = _shade(_jitter(colour, rnd, 10), rnd.uniform(0.85, 1.08) * (1 - 0.08 * layer))
            pd.ellipse([pc, pc - W / 2, pc + L, pc + W / 2], fill=col + (255,))
            pd.ellipse([pc + L * 0.55, pc - W / 3, pc + L * 0.95, pc + W / 3], fill=_shade(col, 1.08) + (255,))
            petal = petal.rotate(-math.degrees(a), resample=Image.BICUBIC, center=(pc, pc))
            im.alpha_composite(petal, (int(c - pc), int(c - pc)))
    if blotch is not None:
        r = centre_r * SPRITE * 1.9
        d.ellipse([c - r, c - r, c + r, c + r], fill=blotch + (255,))
    r = centre_r * SPRITE
    d.ellipse([c - r, c - r, c + r, c + r], fill=_jitter(centre, rnd, 12) + (255,))
    return im.resize((SPRITE, SPRITE), Image.LANCZOS)


def poppy_sprite(rnd):
    """Procedural P. somniferum head: four broad petals (sometimes double), dark basal blotch, pale capsule."""
    names = list(POPPY_COLOURS)
    name = rnd.choices(names, weights=[POPPY_COLOURS[n][1] for n in names])[0]
    colour = _jitter(POPPY_COLOURS[name][0], rnd, 14)
    blotch = _jitter((52, 24, 48), rnd, 12) if rnd.random() < 0.8 else None
    double = rnd.random() < 0.15
    return _petal_flower(rnd, 8 if double else 4, colour, (176, 196, 150), 0.07, 0.46, 0.62 if not double else 0.4,
                         blotch=blotch, layers=2 if double else 1)


def other_sprite(rnd, species):
    """Procedural look-alike heads: what growers' neighbours plant and what a drone sees in villages."""
    if species == 'cosmos':
        col = rnd.choice([(232, 110, 170), (200, 60, 140), (240, 236, 236), (246, 170, 200)])
        return _petal_flower(rnd, 8, _jitter(col, rnd), (230, 190, 40), 0.09, 0.44, 0.24)
    if species == 'daisy':
        return _petal_flower(rnd, rnd.randint(14, 22), _jitter((244, 244, 240), rnd, 8), (236, 196, 30), 0.12, 0.44, 0.1)
    if species == 'marigold':
        col = rnd.choice([(240, 140, 20), (250, 190, 20), (226, 100, 16)])
        return _petal_flower(rnd, 12, _jitter(col, rnd), _shade(col, 0.8), 0.12, 0.36, 0.22, layers=3)
    if species == 'rose':
        col = rnd.choice([(190, 20, 40), (236, 130, 160), (246, 240, 230), (230, 90, 60), (160, 40, 110)])
        return _petal_flower(rnd, 6, _jitter(col, rnd), _shade(col, 0.7), 0.08, 0.42, 0.5, layers=3)
    if species == 'zinnia':
        col = rnd.choice([(220, 40, 80), (240, 120, 40), (200, 80, 180), (246, 200, 60)])
        return _petal_flower(rnd, 14, _jitter(col, rnd), (120, 80, 30), 0.1, 0.42, 0.2, layers=2)
    if species == 'bougainvillea':
        col = rnd.choice([(210, 40, 150), (190, 60, 190), (240, 90, 120)])
        return _petal_flower(rnd, 3, _jitter(col, rnd), (240, 236, 210), 0.05, 0.4, 0.5)
    if species == 'rapeseed':
        im = Image.new('RGBA', (SPRITE, SPRITE), (0, 0, 0, 0))
        d = ImageDraw.Draw(im)
        for _ in range(rnd.randint(10, 18)):
            x, y, r = rnd.uniform(14, 50), rnd.uniform(14, 50), rnd.uniform(5, 9)
            d.ellipse([x - r, y - r, x + r, y + r], fill=_jitter((238, 214, 30), rnd, 14) + (255,))
        return im
    if species == 'tomato':
        im = Image.new('RGBA', (SPRITE, SPRITE), (0, 0, 0, 0))
        d = ImageDraw.Draw(im)
        col = _jitter(rnd.choice([(200, 30, 20), (220, 80, 20), (190, 40, 40)]), rnd)
        d.ellipse([8, 8, 56, 56], fill=col + (255,))
        d.ellipse([18, 14, 34, 28], fill=_shade(col, 1.3) + (255,))
        d.ellipse([28, 26, 36, 34], fill=(60, 110, 40, 255))
        return im
    if species == 'chilli':
        im = Image.new('RGBA', (SPRITE, SPRITE), (0, 0, 0, 0))
        d = ImageDraw.Draw(im)
        col = _jitter(rnd.choice([(190, 20, 20), (150, 16, 24), (210, 60, 20)]), rnd)
        d.ellipse([6, 26, 58, 38], fill=col + (255,))
        return im.rotate(rnd.uniform(0, 360), resample=Image.BICUBIC)
    raise ValueError(species)


def bud_sprite(rnd, capsule):
    """Nodding bud (green-grey, elongated) or seed capsule (glaucous sphere with a darker crown): not counted."""
    im = Image.new('RGBA', (SPRITE, SPRITE), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    col = _jitter((128, 150, 130), rnd, 14)
    if capsule:
        d.ellipse([10, 10, 54, 54], fill=col + (255,))
        d.ellipse([24, 24, 40, 40], fill=_shade(col, 0.7) + (255,))
    else:
        d.ellipse([18, 6, 46, 58], fill=col + (255,))
        im = im.rotate(rnd.uniform(0, 360), resample=Image.BICUBIC)
    return im


# (species, head diameter range cm) of the look-alike plantings
OTHER_SPECIES = [('cosmos', (5, 9)), ('daisy', (3, 6)), ('marigold', (4, 8)), ('rose', (6, 11)), ('zinnia', (5, 10)),
                 ('bougainvillea', (3, 6)), ('rapeseed', (2, 4)), ('tomato', (4, 7))]


class SpriteBank:
    """Heads to plant: procedural P. somniferum heads, real poppy-family cut-outs (also recoloured to opium poppy
    colours), procedural look-alikes and real cut-outs of other species, all of one split."""

    def __init__(self, rnd, cache, shared, split, n=120):
        self.rnd = rnd
        self.poppy = [poppy_sprite(rnd) for _ in range(n)]
        self.other = {s: [other_sprite(rnd, s) for _ in range(max(8, n // 6))] for s, _ in OTHER_SPECIES}
        self.chilli = [other_sprite(rnd, 'chilli') for _ in range(20)]
        self.buds = [bud_sprite(rnd, False) for _ in range(20)]
        self.capsules = [bud_sprite(rnd, True) for _ in range(20)]
        self.poppy_cuts, self.other_cuts = [], []
        if os.path.exists(os.path.join(cache, 'closeups.tsv')):
            import random as _r
            pc, oc = load_flowers(cache, shared, split, 6, _r.Random(rnd.random()))
            self.poppy_cuts = [c.resize((SPRITE, SPRITE), Image.LANCZOS) for c in pc]
            self.other_cuts = [c.resize((SPRITE, SPRITE), Image.LANCZOS) for c in oc]

    def poppy_head(self):
        if self.poppy_cuts and self.rnd.random() < 0.35:
            return self.rnd.choice(self.poppy_cuts)
        return self.rnd.choice(self.poppy)

    def other_head(self, species):
        if species == 'cutout' and self.other_cuts:
            return self.rnd.choice(self.other_cuts)
        return self.rnd.choice(self.other[species if species != 'cutout' else 'cosmos'])


# ------------------------------------------------------------------ foliage and plantings

def value_noise(h, w, cells, rnd):
    cells = max(2, int(cells))
    ch = max(2, int(cells * h / max(h, w)) + 1)
    cw = max(2, int(cells * w / max(h, w)) + 1)
    small = np.array([[rnd.random() for _ in range(cw)] for _ in range(ch)], dtype=np.float32)
    return np.asarray(Image.fromarray((small * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC),
                      dtype=np.float32) / 255.0


GLAUCOUS = (112, 146, 132)  # P. somniferum leaves: blue-grey green
GREENS = [(70, 112, 48), (92, 128, 56), (60, 96, 52), (108, 136, 70)]


def foliage_patch(h, w, f, rnd, glaucous, rows=None):
    """RGBA canopy of h×w canvas px at f cm/px: plants 10-30 cm, soil gaps, optional crop rows (spacing px, angle)."""
    base = GLAUCOUS if glaucous else rnd.choice(GREENS)
    base = np.array(_jitter(base, rnd, 12), dtype=np.float32)
    leaf = value_noise(h, w, max(w, h) * f / rnd.uniform(8, 20), rnd)
    big = value_noise(h, w, max(w, h) * f / 80, rnd)
    fine = value_noise(h, w, max(w, h) * f / rnd.uniform(2.5, 4), rnd)
    cover = 0.45 * leaf + 0.35 * big + 0.2 * fine
    if rows is not None:
        spacing, angle = rows
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        t = (xx * math.sin(angle) + yy * math.cos(angle)) / spacing
        cover = cover * 0.6 + 0.5 * (0.5 + 0.5 * np.cos(2 * math.pi * t))
    thresh = rnd.uniform(0.35, 0.5)
    alpha = np.clip((cover - thresh) * 6, 0, 1)
    shade = 0.55 + 0.35 * leaf[..., None] + 0.4 * fine[..., None] + rnd.uniform(-0.05, 0.05)
    rgb = np.clip(base[None, None, :] * shade, 0, 255)
    return np.dstack([rgb, alpha * 255]).astype(np.uint8)


def _polygon_mask(poly, h, w):
    m = Image.new('L', (w, h), 0)
    ImageDraw.Draw(m).polygon([tuple(p) for p in poly], fill=255)
    return np.asarray(m) > 0


def _rect(cx, cy, w, h, angle):
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + c * x - s * y, cy + s * x + c * y) for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))]


def _blob(cx, cy, r, rnd, n=14):
    a0 = rnd.uniform(0, math.pi)
    return [(cx + r * rnd.uniform(0.7, 1.2) * math.cos(a0 + 2 * math.pi * i / n),
             cy + r * rnd.uniform(0.7, 1.2) * math.sin(a0 + 2 * math.pi * i / n)) for i in range(n)]


LAYOUTS = ['rows', 'bed', 'courtyard', 'pots', 'margin', 'mixed']


def planting_shape(layout, cx, cy, f, rnd, scale=1.0):
    """Outline polygons (canvas px) of one planting, the crop-row spec, and the head density range per m²."""
    m = 100.0 / f  # canvas px per metre
    a = rnd.uniform(0, math.pi)
    if layout == 'rows':
        return [_rect(cx, cy, rnd.uniform(1.5, 7) * m * scale, rnd.uniform(1.5, 6) * m * scale, a)], (rnd.uniform(0.25, 0.5) * m, a), (15, 70)
    if layout == 'bed':
        return [_rect(cx, cy, rnd.uniform(1, 3) * m * scale, rnd.uniform(0.8, 2) * m * scale, a)], None, (15, 60)
    if layout == 'courtyard':
        return [_blob(cx, cy, rnd.uniform(0.5, 1.2) * m * scale, rnd)], None, (15, 50)
    if layout == 'pots':
        pots = []
        for _ in range(rnd.randint(4, 10)):
            r = rnd.uniform(0.2, 0.35) * m
            pots.append(_blob(cx + rnd.uniform(-1.2, 1.2) * m, cy + rnd.uniform(-1.2, 1.2) * m, r, rnd, 10))
        return pots, None, (30, 90)
    if layout == 'margin':
        return [_rect(cx, cy, rnd.uniform(4, 9) * m * scale, rnd.uniform(0.5, 1.0) * m * scale, a)], None, (15, 60)
    if layout == 'mixed':
        return [_rect(cx, cy, rnd.uniform(3, 8) * m * scale, rnd.uniform(3, 7) * m * scale, a)], (rnd.uniform(0.3, 0.6) * m, a), (5, 20)
    raise ValueError(layout)


class Canvas:
    """RGB canvas (float32) at f cm/px with the heads and plantings planted on it."""

    def __init__(self, ground, f):
        self.rgb = np.asarray(ground, dtype=np.float32).copy()
        self.h, self.w = self.rgb.shape[:2]
        self.f = f
        self.heads = []      # (x, y, 'poppy'|'other', counted)
        self.plantings = []  # dict(kind, layout, polygons, heads)
        self.sun = None

    def _composite(self, rgba, x0, y0):
        h, w = rgba.shape[:2]
        xa, ya, xb, yb = max(0, x0), max(0, y0), min(self.w, x0 + w), min(self.h, y0 + h)
        if xa >= xb or ya >= yb:
            return
        src = rgba[ya - y0:yb - y0, xa - x0:xb - x0].astype(np.float32)
        al = src[..., 3:4] / 255.0
        dst = self.rgb[ya:yb, xa:xb]
        dst *= 1 - al
        dst += src[..., :3] * al

    def shadow(self, mask, strength, dx, dy):
        """Darkens the ground beside a raised object (sun from the opposite side)."""
        sh = np.roll(np.roll(mask.astype(np.float32), int(dy), 0), int(dx), 1)
        self.rgb *= (1 - strength * sh)[..., None]

    def plant(self, kind, layout, cx, cy, rnd, bank, species=None, density=None, scale=1.0, glaucous=None):
        polys, rows, dens = planting_shape(layout, cx, cy, self.f, rnd, scale)
        density = density if density is not None else rnd.uniform(*dens)
        mask = np.zeros((self.h, self.w), bool)
        for p in polys:
            mask |= _polygon_mask(p, self.h, self.w)
        if not mask.any():
            return None
        ys, xs = np.nonzero(mask)
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        if layout == 'pots':
            for p in polys:  # terracotta or plastic pot rims around the plants
                pm = _polygon_mask([(cx0 + (x - cx0) * 1.12, cy0 + (y - cy0) * 1.12) for (x, y) in p for cx0, cy0 in [np.mean(p, 0)]], self.h, self.w)
                self.rgb[pm] = self.rgb[pm] * 0.2 + np.array(_jitter(rnd.choice([(150, 80, 50), (60, 60, 60), (170, 110, 70)]), rnd), np.float32) * 0.8
        if glaucous is None:
            glaucous = rnd.random() < (0.85 if kind == 'poppy' else 0.25)
        fol = foliage_patch(y1 - y0, x1 - x0, self.f, rnd, glaucous, rows)
        fol[..., 3] = (fol[..., 3] * mask[y0:y1, x0:x1]).astype(np.uint8)
        sun = self.sun
        self.shadow(np.pad(fol[..., 3] > 60, ((y0, self.h - y1), (x0, self.w - x1))), 0.25, sun[0] * 3, sun[1] * 3)
        self._composite(fol, x0, y0)
        area_m2 = mask.sum() * (self.f / 100) ** 2
        n = int(round(density * area_m2 * rnd.uniform(0.9, 1.1)))
        counted = 0
        for _ in range(n):
            i = rnd.randrange(len(xs))
            x, y = xs[i] + rnd.random(), ys[i] + rnd.random()
            if kind == 'poppy':
                cm = rnd.uniform(6, 11)
                sprite = bank.poppy_head()
            else:
                sp, rng_cm = species
                cm = rnd.uniform(*rng_cm)
                sprite = bank.other_head(sp)
            self.head(sprite, x, y, cm, rnd)
            self.heads.append((x, y, kind, True))
            counted += 1
        if kind == 'poppy':  # nodding buds and capsules among the flowers; not counted as flowers
            for _ in range(int(n * rnd.uniform(0, 0.6))):
                i = rnd.randrange(len(xs))
                cap = rnd.random() < 0.4
                self.head(rnd.choice(bank.capsules if cap else bank.buds), xs[i], ys[i], rnd.uniform(2, 4), rnd, shadow=False)
        self.plantings.append({'kind': kind, 'layout': layout, 'polygons': polys, 'heads': counted,
                               'areaM2': float(area_m2), 'species': species[0] if species else 'papaver'})
        return self.plantings[-1]

    def head(self, sprite, x, y, cm, rnd, shadow=True):
        d = max(2, int(round(cm / self.f)))
        s = sprite.resize((d, d), Image.LANCZOS if d < SPRITE else Image.BICUBIC)
        if rnd.random() < 0.5:
            s = s.transpose(Image.FLIP_LEFT_RIGHT)
        arr = np.asarray(s).copy()
        if rnd.random() < 0.15:  # partly hidden by a leaf
            yy, xx = np.mgrid[0:d, 0:d]
            ang = rnd.uniform(0, 2 * math.pi)
            cut = (xx - d / 2) * math.cos(ang) + (yy - d / 2) * math.sin(ang) > rnd.uniform(0, d / 3)
            arr[..., 3] = np.where(cut, 0, arr[..., 3])
        x0, y0 = int(x - d / 2), int(y - d / 2)
        if shadow:
            sh = arr.copy()
            sh[..., :3] = 0
            sh[..., 3] = (sh[..., 3] * 0.35).astype(np.uint8)
            self._composite(sh, x0 + int(self.sun[0] * d * 0.25), y0 + int(self.sun[1] * d * 0.25))
        self._composite(arr, x0, y0)

    def chilli_mat(self, cx, cy, rnd, bank):
        """Chilli drying on a tarp: dense small red shapes on a blue/grey mat (a classic red look-alike)."""
        m = 100.0 / self.f
        poly = _rect(cx, cy, rnd.uniform(1.5, 4) * m, rnd.uniform(1.5, 3) * m, rnd.uniform(0, math.pi))
        mask = _polygon_mask(poly, self.h, self.w)
        if not mask.any():
            return
        self.rgb[mask] = np.array(_jitter(rnd.choice([(60, 90, 150), (150, 150, 150), (40, 110, 160), (200, 190, 170)]), rnd), np.float32)
        ys, xs = np.nonzero(mask)
        for _ in range(int(mask.sum() * (self.f / 100) ** 2 * rnd.uniform(150, 400))):
            i = rnd.randrange(len(xs))
            self.head(rnd.choice(bank.chilli), xs[i], ys[i], rnd.uniform(5, 8), rnd, shadow=False)
        self.plantings.append({'kind': 'decoy', 'layout': 'mat', 'polygons': [poly], 'heads': 0,
                               'areaM2': float(mask.sum() * (self.f / 100) ** 2), 'species': 'chilli'})

    def clutter(self, rnd, n):
        """Bright litter, clothes on a line, painted roofs and cars: colourful things that are not flowers."""
        m = 100.0 / self.f
        for _ in range(n):
            kind = rnd.choices(['litter', 'clothes', 'roof', 'car'], weights=[4, 3, 1, 2])[0]
            cx, cy = rnd.uniform(0, self.w), rnd.uniform(0, self.h)
            col = _jitter(rnd.choice([(220, 30, 40), (240, 240, 240), (230, 120, 170), (40, 80, 200), (250, 200, 30),
                                      (150, 60, 150), (240, 100, 30)]), rnd)
            if kind == 'litter':
                for _ in range(rnd.randint(3, 20)):
                    s = rnd.uniform(0.04, 0.2) * m
                    p = _rect(cx + rnd.uniform(-1, 1) * m, cy + rnd.uniform(-1, 1) * m, s, s * rnd.uniform(0.3, 1), rnd.uniform(0, 3))
                    self._fill(p, _jitter(col, rnd, 40))
            elif kind == 'clothes':
                a = rnd.uniform(0, math.pi)
                for k in range(rnd.randint(3, 8)):
                    p = _rect(cx + math.cos(a) * k * 0.5 * m, cy + math.sin(a) * k * 0.5 * m, 0.4 * m, rnd.uniform(0.4, 0.9) * m, a)
                    self._fill(p, _jitter(rnd.choice([(220, 30, 40), (240, 240, 240), (230, 120, 170), (40, 80, 200)]), rnd))
            elif kind == 'roof':
                self._fill(_rect(cx, cy, rnd.uniform(3, 8) * m, rnd.uniform(3, 6) * m, rnd.uniform(0, math.pi)), col)
            else:
                a = rnd.uniform(0, math.pi)
                self._fill(_rect(cx, cy, 4.4 * m, 1.8 * m, a), col)
                self._fill(_rect(cx + math.cos(a) * 0.3 * m, cy + math.sin(a) * 0.3 * m, 1.2 * m, 1.5 * m, a), (40, 50, 60))

    def _fill(self, poly, col):
        mask = _polygon_mask(poly, self.h, self.w)
        self.rgb[mask] = np.array(col, np.float32)


# ------------------------------------------------------------------ ground and camera

def ground_patch(frame_img, frame_gsd, f, h, w, rnd, angle=None):
    """A rotated piece of real aerial ground, resampled to f cm/px, h×w canvas px (PIL RGB)."""
    side_m = math.hypot(h, w) * f / 100
    side = int(side_m * 100 / frame_gsd) + 2
    W, H = frame_img.size
    side = min(side, W, H)
    x0, y0 = rnd.randint(0, W - side), rnd.randint(0, H - side)
    crop = frame_img.crop((x0, y0, x0 + side, y0 + side))
    crop = crop.rotate(angle if angle is not None else rnd.uniform(0, 360), resample=Image.BILINEAR)
    # frames smaller than the ground asked for are stretched (coarse simulated cameras over our 1-2 cm/px frames)
    out = max(int(side * frame_gsd / f), int(math.hypot(h, w)) + 2)
    crop = crop.resize((out, out), Image.BILINEAR)
    cx, cy = out // 2, out // 2
    crop = crop.crop((cx - w // 2, cy - h // 2, cx - w // 2 + w, cy - h // 2 + h))
    if rnd.random() < 0.5:  # season and light differ from the frames we have
        arr = np.asarray(crop, np.float32) * rnd.uniform(0.8, 1.15) + rnd.uniform(-12, 12)
        crop = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return crop


def camera(canvas_rgb, factor, rnd, effects=True, jpeg=None):
    """Canvas → native camera image: downsample by `factor`, then defocus, motion blur, noise, haze, JPEG."""
    im = Image.fromarray(np.clip(canvas_rgb, 0, 255).astype(np.uint8))
    w, h = im.size
    im = im.resize((max(1, round(w / factor)), max(1, round(h / factor))), Image.BOX if factor >= 1 else Image.BICUBIC)
    if effects:
        if rnd.random() < 0.5:
            im = im.filter(ImageFilter.GaussianBlur(rnd.uniform(0.2, 1.0)))
        arr = np.asarray(im, np.float32)
        if rnd.random() < 0.2:  # motion blur along the flight direction
            k = rnd.randint(2, 3)
            arr = sum(np.roll(arr, i, axis=rnd.choice([0, 1])) for i in range(k)) / k
        if rnd.random() < 0.3:  # haze
            a = rnd.uniform(0.05, 0.3)
            arr = arr * (1 - a) + a * np.array([200, 205, 215], np.float32)
        arr = arr + np.random.default_rng(rnd.randrange(1 << 30)).normal(0, rnd.uniform(0, 4), arr.shape)
        im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    q = jpeg if jpeg is not None else (rnd.randint(50, 95) if effects else None)
    if q:
        buf = io.BytesIO()
        im.save(buf, 'JPEG', quality=q)
        im = Image.open(io.BytesIO(buf.getvalue())).convert('RGB')
    return im


def scene(rnd, bank, ground, f, poppy_plots, decoys, clutter=0, chilli=False, margin=0.1, sizes=1.0, density=None):
    """Plants `poppy_plots` poppy plantings and `decoys` look-alike flower plantings on the ground image."""
    c = Canvas(ground, f)
    c.sun = (rnd.uniform(-1, 1), rnd.uniform(-1, 1))
    for _ in range(clutter and rnd.randint(1, clutter)):
        c.clutter(rnd, 1)
    if chilli:
        c.chilli_mat(rnd.uniform(0, c.w), rnd.uniform(0, c.h), rnd, bank)
    jobs = [('poppy', None)] * poppy_plots + [('decoy', rnd.choice(OTHER_SPECIES + [('cutout', (3, 10))])) for _ in range(decoys)]
    rnd.shuffle(jobs)
    for kind, species in jobs:
        cx = rnd.uniform(margin, 1 - margin) * c.w
        cy = rnd.uniform(margin, 1 - margin) * c.h
        layout = rnd.choice(LAYOUTS)
        c.plant('poppy' if kind == 'poppy' else 'other', layout, cx, cy, rnd, bank, species=species, scale=sizes, density=density)
        if kind == 'decoy' and c.plantings:
            c.plantings[-1]['kind'] = 'decoy'
    return c
