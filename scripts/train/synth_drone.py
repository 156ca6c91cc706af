#!/usr/bin/python3
"""Drone-scale synthesis: real flowers composited at true ground size onto tiles of the real aerial frames.

    /usr/bin/python3 scripts/train/synth_drone.py --split train --count 3000 --out .cache/train/drone/train
    /usr/bin/python3 scripts/train/synth_drone.py --split test --gsd 2.0 --count 300 --out /tmp/drone-2cm

Tile recipe (one tile = tileSize px at the model's ground resolution, i.e. 4.48 m at 2 cm/px):
  1. cut a square of the ground from a real aerial frame of the split (any position, any rotation), big enough
     for the tile after rotation, and resample it to the simulated camera's native ground resolution `gsd`;
  2. drone_poppy_plot / drone_other_flowers: paint a foliage patch (a field plot or an irregular clump) covering
     part of the tile and scatter flower heads on it at 10-80 heads per m^2, each head a real flower cut out of a
     photo of the split (colour/saturation mask + alpha), scaled to its true size (poppy 5-12 cm, others 3-15 cm);
     aerial_background: the bare real ground, or (1 in 3) a flowerless foliage patch so that green plots alone
     do not mean poppy;
  3. rotate, centre-crop, resample to the model's ground resolution (what the pipeline does to a real frame) and
     write a PNG of exactly tileSize px.
Inputs come from .cache/train (prepare.ts): closeups.tsv says which photo is in which split, aerial.json gives the
split and native ground resolution of each real frame. Training renders with random native gsd (1-3 cm/px) and
scale jitter of the target resolution; --gsd fixes the native resolution and renders at exactly the model's.
Writes OUT/tiles/*.png and OUT/labels.tsv (png, label, group, gsd_cm_per_px, target_cm_per_px, frame, heads,
plot_fraction).
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image, ImageFilter, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
CONFIG = json.load(open(os.path.join(HERE, 'model.json')))
LABELS = json.load(open(os.path.join(HERE, 'labels.json')))
GROUP = {l['id']: l['group'] for l in LABELS}
POPPY_FLOWER_LABELS = {'corn_poppy', 'californian_poppy', 'tree_poppy', 'papaver_wild'}
FLOWER_DATASETS = ('data/flowers/',)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--split', choices=['train', 'val', 'test'], required=True,
                   help='which flowers and which real frames to use (test = held-out frames and test photos)')
    p.add_argument('--count', type=int, required=True, help='number of tiles')
    p.add_argument('--out', required=True, help='output folder (tiles/ and labels.tsv are written there)')
    p.add_argument('--gsd', type=float, default=None,
                   help='native ground resolution of the simulated camera in cm/px (1-4); default: random 1-3 '
                        'with scale jitter (training)')
    p.add_argument('--kinds', default='poppy,other,background',
                   help='comma list of poppy,other,background; tiles are spread evenly over them')
    p.add_argument('--seed', type=int, default=CONFIG['seed'])
    p.add_argument('--shared', default=os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared')))
    p.add_argument('--cache', default=os.path.join(REPO, '.cache', 'train'))
    p.add_argument('--max-photos-per-label', type=int, default=8,
                   help='non-poppy photos used per label for cut-outs (keeps start-up fast)')
    return p.parse_args(argv)


# ---------------------------------------------------------------- flower cut-outs

def _reconstruct(seed, mask, iterations=400):
    """Geodesic dilation of `seed` inside `mask` (connected component containing the seed, 4-connectivity)."""
    cur = seed & mask
    for _ in range(iterations):
        nxt = cur.copy()
        nxt[1:] |= cur[:-1]
        nxt[:-1] |= cur[1:]
        nxt[:, 1:] |= cur[:, :-1]
        nxt[:, :-1] |= cur[:, 1:]
        nxt &= mask
        if (nxt == cur).all():
            break
        cur = nxt
    return cur


def cut_flower(path):
    """RGBA cut-out of the central flower of a photo, or None when no clean flower mask is found."""
    im = ImageOps.exif_transpose(Image.open(path)).convert('RGB')
    im.thumbnail((160, 160), Image.LANCZOS)
    rgb = np.asarray(im)
    hsv = np.asarray(im.convert('HSV')).astype(np.float32) / 255.0
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    foliage = (h > 0.14) & (h < 0.47) & (s > 0.18)
    flower = ~foliage & (((s > 0.35) & (v > 0.3)) | ((v > 0.72) & (s < 0.3)))
    hh, ww = flower.shape
    seed = np.zeros_like(flower)
    seed[int(hh * 0.35):int(hh * 0.65), int(ww * 0.35):int(ww * 0.65)] = True
    comp = _reconstruct(seed, flower)
    frac = comp.mean()
    if frac < 0.04 or frac > 0.85:
        return None
    ys, xs = np.nonzero(comp)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    if min(y1 - y0, x1 - x0) < 8:
        return None
    alpha = Image.fromarray((comp * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    rgba = np.dstack([rgb, np.asarray(alpha)])[y0:y1, x0:x1]
    return Image.fromarray(rgba, 'RGBA')


def load_flowers(cache, shared, split, max_per_label, rnd):
    rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(cache, 'closeups.tsv'))][1:]
    poppy, other = [], []
    per_label = {}
    for png, file, label, s in sorted(rows, key=lambda r: r[1]):
        if s != split:
            continue
        if label in POPPY_FLOWER_LABELS:
            poppy.append(file)
        elif GROUP[label] == 'other' and file.startswith(FLOWER_DATASETS):
            per_label.setdefault(label, []).append(file)
    for label in sorted(per_label):
        files = per_label[label]
        rnd.shuffle(files)
        other.extend(files[:max_per_label])
    cut = lambda files: [c for c in (cut_flower(os.path.join(shared, f)) for f in files) if c is not None]
    poppy_cuts = cut(poppy)
    # Opium poppy flowers are mostly white, pink, mauve or purple-red with a dark basal blotch, colours our real
    # poppy photos (red corn poppy, orange californian, white tree poppy) barely cover: every poppy cut-out also
    # enters the drone plots recoloured into that range.
    return poppy_cuts + [somniferum_recolour(c, rnd) for c in poppy_cuts], cut(other)


# (hue range, saturation range, value scale range) of P. somniferum petal colours, hue in [0, 1)
SOMNIFERUM_PALETTE = [
    ((0.0, 1.0), (0.02, 0.10), (1.15, 1.4)),   # white
    ((0.92, 0.98), (0.28, 0.55), (1.0, 1.25)),  # pink
    ((0.76, 0.86), (0.22, 0.50), (0.95, 1.2)),  # mauve / lilac
    ((0.87, 0.93), (0.55, 0.85), (0.8, 1.0)),   # purple-red
]


def somniferum_recolour(rgba, rnd):
    """A poppy cut-out recoloured to a P. somniferum petal colour, keeping its shading, with a dark centre."""
    arr = np.asarray(rgba)
    alpha = arr[..., 3]
    hsv = np.asarray(Image.fromarray(arr[..., :3]).convert('HSV')).astype(np.float32) / 255.0
    (h0, h1), (s0, s1), (v0, v1) = SOMNIFERUM_PALETTE[rnd.randrange(len(SOMNIFERUM_PALETTE))]
    petals = hsv[..., 1] > 0.25  # leave already pale or dark parts (stamens, centre) alone
    hsv[..., 0] = np.where(petals, rnd.uniform(h0, h1), hsv[..., 0])
    hsv[..., 1] = np.where(petals, rnd.uniform(s0, s1), hsv[..., 1])
    hsv[..., 2] = np.where(petals, np.clip(hsv[..., 2] * rnd.uniform(v0, v1), 0, 1), hsv[..., 2])
    hh, ww = alpha.shape
    yy, xx = np.mgrid[0:hh, 0:ww]
    r = np.hypot((yy - hh / 2) / (hh / 2), (xx - ww / 2) / (ww / 2))
    blotch = r < rnd.uniform(0.12, 0.3)
    hsv[..., 2] = np.where(blotch, hsv[..., 2] * 0.35, hsv[..., 2])
    rgb = np.asarray(Image.fromarray((hsv * 255).astype(np.uint8), 'HSV').convert('RGB'))
    return Image.fromarray(np.dstack([rgb, alpha]), 'RGBA')


# ---------------------------------------------------------------- ground and foliage

def load_frames(cache, shared, split):
    frames = [f for f in json.load(open(os.path.join(cache, 'aerial.json'))) if f['split'] == split]
    out = []
    for f in frames:
        im = ImageOps.exif_transpose(Image.open(os.path.join(shared, f['file']))).convert('RGB')
        out.append((f, im))
    return out


def value_noise(size, cells, rnd):
    """Smooth noise in [0, 1] with about `cells` blobs across."""
    cells = max(2, int(cells))
    small = Image.fromarray((np.asarray([[rnd.random() for _ in range(cells)] for _ in range(cells)]) * 255)
                            .astype(np.uint8))
    return np.asarray(small.resize((size, size), Image.BICUBIC)).astype(np.float32) / 255.0


def foliage(size, gsd, rnd):
    """Green canopy texture: plants of ~10-25 cm with soil showing through in places."""
    leaf_cells = size * gsd / rnd.uniform(8, 25)
    base_h = rnd.uniform(0.20, 0.33)
    base_s = rnd.uniform(0.35, 0.75)
    base_v = rnd.uniform(0.25, 0.55)
    n1 = value_noise(size, max(2, size * gsd / 150), rnd)
    n2 = value_noise(size, leaf_cells, rnd)
    n3 = np.random.default_rng(rnd.randrange(1 << 30)).random((size, size)).astype(np.float32)
    h = np.clip(base_h + (n1 - 0.5) * 0.06, 0, 1)
    s = np.clip(base_s + (n2 - 0.5) * 0.3, 0, 1)
    v = np.clip(base_v * (0.6 + 0.6 * n2) + (n3 - 0.5) * 0.08, 0, 1)
    hsv = (np.dstack([h, s, v]) * 255).astype(np.uint8)
    tex = np.asarray(Image.fromarray(hsv, 'HSV').convert('RGB')).astype(np.float32)
    gaps = n2 < rnd.uniform(0.0, 0.3)  # soil between plants: let the ground show
    return tex, gaps


def plot_mask(size, rnd):
    """Soft mask of one plot: a rectangle field (most plots) or an irregular clump, covering 35-100 % of the tile."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    if rnd.random() < 0.6:
        w, h = rnd.uniform(0.45, 1.2), rnd.uniform(0.45, 1.2)
        cx, cy = 0.5 + rnd.uniform(-0.15, 0.15), 0.5 + rnd.uniform(-0.15, 0.15)
        m = (np.abs(xx - cx) < w / 2) & (np.abs(yy - cy) < h / 2)
    else:
        noise = value_noise(size, 4, rnd)
        r = np.hypot(xx - 0.5, yy - 0.5)
        m = (noise * 0.5 + (0.75 - r)) > rnd.uniform(0.35, 0.55)
    return np.asarray(Image.fromarray((m * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.5))) / 255.0


# ---------------------------------------------------------------- tile rendering

class SpriteCache:
    def __init__(self, flowers):
        self.flowers = flowers
        self.cache = {}

    def get(self, idx, diameter_px, mirror):
        d = max(1, int(round(diameter_px)))
        key = (idx, d, mirror)
        if key not in self.cache:
            fl = self.flowers[idx]
            scale = d / max(fl.size)
            w, h = max(1, round(fl.size[0] * scale)), max(1, round(fl.size[1] * scale))
            im = fl.resize((w, h), Image.LANCZOS)
            if mirror:
                im = ImageOps.mirror(im)
            a = np.asarray(im).astype(np.float32)
            self.cache[key] = (a[..., :3], a[..., 3:] / 255.0)
        return self.cache[key]


def scatter_heads(canvas, mask, sprites, gsd, head_cm, density, rnd):
    """Scatter flower heads over the plot mask at `density` heads per m^2; returns the number of heads drawn."""
    size = canvas.shape[0]
    area_m2 = mask.sum() * (gsd / 100.0) ** 2
    n = int(area_m2 * density)
    ys, xs = np.nonzero(mask > 0.5)
    if n == 0 or len(ys) == 0:
        return 0
    # clumped placement: heads gather around plants rather than uniformly
    picks = [rnd.randrange(len(ys)) for _ in range(n)]
    # a plot is sown with one to three varieties, not a confetti of every flower photo we have: colour mix alone
    # must not tell poppy plots from other flower plots
    varieties = [rnd.randrange(len(sprites.flowers)) for _ in range(rnd.randint(1, 3))]
    drawn = 0
    for p in picks:
        d = rnd.uniform(*head_cm) / gsd
        img, alpha = sprites.get(rnd.choice(varieties), d, rnd.random() < 0.5)
        h, w = alpha.shape[:2]
        y, x = ys[p] - h // 2, xs[p] - w // 2
        if y < 0 or x < 0 or y + h > size or x + w > size:
            continue
        shade = rnd.uniform(0.75, 1.1)
        region = canvas[y:y + h, x:x + w]
        region[:] = region * (1 - alpha) + img * shade * alpha
        drawn += 1
    return drawn


def render_tile(kind, frame, frame_img, sprites, gsd, target, tile, rnd):
    """One tile of `tile` px at `target` cm/px, simulated through a camera of native resolution `gsd` cm/px."""
    tile_cm = tile * target
    side_cm = tile_cm * 1.45  # enough ground for any rotation
    src_px = side_cm / frame['gsdCmPerPx']
    W, H = frame_img.size
    x0 = rnd.uniform(0, W - src_px)
    y0 = rnd.uniform(0, H - src_px)
    native = int(round(side_cm / gsd))
    ground = frame_img.resize((native, native), Image.LANCZOS, box=(x0, y0, x0 + src_px, y0 + src_px))
    canvas = np.asarray(ground).astype(np.float32)
    heads, plot_fraction = 0, 0.0
    with_plot = kind in ('poppy', 'other') or rnd.random() < 1 / 3
    if with_plot:
        inner = int(round(tile_cm / gsd))
        off = (native - inner) // 2
        mask = np.zeros((native, native), np.float32)
        mask[off:off + inner, off:off + inner] = plot_mask(inner, rnd)
        tex, gaps = foliage(native, gsd, rnd)
        m = (mask * np.where(gaps, rnd.uniform(0.0, 0.4), 1.0))[..., None]
        canvas = canvas * (1 - m) + tex * m
        plot_fraction = float(mask[off:off + inner, off:off + inner].mean())
        if kind in ('poppy', 'other'):
            head_cm = (5.0, 12.0) if kind == 'poppy' else (3.0, 15.0)
            heads = scatter_heads(canvas, mask, sprites[kind], gsd, head_cm, rnd.uniform(10, 80), rnd)
    img = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    img = img.rotate(rnd.uniform(0, 360), resample=Image.BILINEAR)
    inner = tile_cm / gsd
    c = native / 2
    out = img.resize((tile, tile), Image.LANCZOS, box=(c - inner / 2, c - inner / 2, c + inner / 2, c + inner / 2))
    return out, heads, plot_fraction


KIND_LABEL = {'poppy': 'drone_poppy_plot', 'other': 'drone_other_flowers', 'background': 'aerial_background'}


def main(argv):
    args = parse_args(argv)
    rnd = random.Random(f'{args.seed}-{args.split}-{args.gsd}')
    kinds = [k.strip() for k in args.kinds.split(',') if k.strip()]
    if not kinds or any(k not in KIND_LABEL for k in kinds):
        sys.exit(f'--kinds must be a comma list of {",".join(KIND_LABEL)}')
    if args.gsd is not None and not 0.5 <= args.gsd <= 8:
        sys.exit('--gsd must be between 0.5 and 8 cm/px')
    tile = CONFIG['drone']['tileSize']
    model_gsd = CONFIG['drone']['groundResolutionCmPerPx']
    poppy, other = load_flowers(args.cache, args.shared, args.split, args.max_photos_per_label, rnd)
    if ('poppy' in kinds and not poppy) or ('other' in kinds and not other):
        sys.exit(f'no flower cut-outs for split {args.split}')
    sprites = {'poppy': SpriteCache(poppy), 'other': SpriteCache(other)}
    frames = load_frames(args.cache, args.shared, args.split)
    if not frames:
        sys.exit(f'no aerial frames in split {args.split}; run prepare.ts first')
    os.makedirs(os.path.join(args.out, 'tiles'), exist_ok=True)
    rows = ['png\tlabel\tgroup\tgsd_cm_per_px\ttarget_cm_per_px\tframe\theads\tplot_fraction']
    for i in range(args.count):
        kind = kinds[i % len(kinds)]
        frame, frame_img = frames[rnd.randrange(len(frames))]
        if args.gsd is None:
            gsd, target = rnd.uniform(1.0, 3.0), model_gsd * math.exp(rnd.uniform(-0.2, 0.2))
        else:
            gsd, target = args.gsd, model_gsd
        img, heads, frac = render_tile(kind, frame, frame_img, sprites, gsd, target, tile, rnd)
        name = f'tiles/{i:05d}_{KIND_LABEL[kind]}.png'
        img.save(os.path.join(args.out, name), compress_level=3)
        label = KIND_LABEL[kind]
        rows.append(f'{name}\t{label}\t{GROUP[label]}\t{gsd:.3f}\t{target:.3f}\t{frame["file"]}\t{heads}\t{frac:.3f}')
    with open(os.path.join(args.out, 'labels.tsv'), 'w') as fh:
        fh.write('\n'.join(rows) + '\n')
    print(f'synth_drone: {args.count} tiles ({",".join(kinds)}) split={args.split} gsd={args.gsd or "1-3 random"} '
          f'from {len(frames)} frames, {len(poppy)} poppy and {len(other)} other cut-outs -> {args.out}')


if __name__ == '__main__':
    main(sys.argv[1:])
