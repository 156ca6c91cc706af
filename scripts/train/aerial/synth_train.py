#!/usr/bin/python3
"""Training/validation samples for the aerial model, with pixel truth.

    /usr/bin/python3 scripts/train/aerial/synth_train.py --split train --count 2400 --out .cache/aerial/train.npz

One sample = SIZE×SIZE px at the model's ground resolution (2 cm/px ± the altitude error the pipeline would make),
rendered from a scene drawn at a fine resolution on a real aerial frame of the split, taken by a simulated camera at
a native 1-4 cm/px, and resampled the way the pipeline resamples a frame. Targets per stride-8 cell: poppy heads
(density; sums to the count), other-flower heads (density) and poppy presence (a poppy head within one cell).
"""
import argparse
import json
import math
import os
import random
import sys
from multiprocessing import Pool

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
import render  # noqa: E402

CONFIG = json.load(open(os.path.join(HERE, 'aerial.json')))
GSD = CONFIG['groundResolutionCmPerPx']
STRIDE = CONFIG['stride']


def load_frames(cache, shared, split):
    frames = [f for f in json.load(open(os.path.join(cache, 'aerial.json'))) if f['split'] == split]
    return [(f, ImageOps.exif_transpose(Image.open(os.path.join(shared, f['file']))).convert('RGB')) for f in frames]


def splat(points, cells_h, cells_w):
    """Bilinear, sum-preserving splat of points (output px) onto the stride grid."""
    out = np.zeros((cells_h, cells_w), np.float32)
    for x, y in points:
        gx, gy = x / STRIDE - 0.5, y / STRIDE - 0.5
        x0, y0 = math.floor(gx), math.floor(gy)
        fx, fy = gx - x0, gy - y0
        for dx, dy, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
            xx, yy = min(max(x0 + dx, 0), cells_w - 1), min(max(y0 + dy, 0), cells_h - 1)
            out[yy, xx] += w
    return out


def presence(points, cells_h, cells_w):
    hit = np.zeros((cells_h + 2, cells_w + 2), bool)
    for x, y in points:
        cx, cy = int(x // STRIDE), int(y // STRIDE)
        if 0 <= cx < cells_w and 0 <= cy < cells_h:
            hit[cy:cy + 3, cx:cx + 3] = True  # the cell and its 8 neighbours (padded grid)
    return hit[1:-1, 1:-1].astype(np.float32)


def sample(rnd, bank, frames, size):
    native = rnd.uniform(1.0, 4.2)
    jitter = rnd.uniform(0.8, 1.2)           # altitude error: the pipeline resamples to GSD, truth is GSD*jitter
    true_out = GSD * jitter                   # cm per output px
    f = native / 2                            # canvas: 2× supersampled native camera
    n = int(round(size * true_out / f))
    frame, img = rnd.choice(frames)
    ground = render.ground_patch(img, frame['gsdCmPerPx'], f, n, n, rnd)
    r = rnd.random()
    if r < 0.5:
        poppy, decoys = rnd.randint(1, 2), rnd.choice([0, 0, 1])
    elif r < 0.8:
        poppy, decoys = 0, rnd.randint(1, 2)
    else:
        poppy, decoys = 0, 0
    c = render.scene(rnd, bank, ground, f, poppy, decoys, clutter=rnd.choice([0, 0, 2, 4]), chilli=rnd.random() < 0.12,
                     margin=0.1, sizes=rnd.uniform(0.4, 1.0))
    cam = render.camera(c.rgb, native / f, rnd)
    out = cam.resize((size, size), Image.LANCZOS)
    k = f / true_out
    pts = {kind: [(x * k, y * k) for x, y, kk, counted in c.heads if kk == kind and counted] for kind in ('poppy', 'other')}
    g = size // STRIDE
    target = np.stack([splat(pts['poppy'], g, g), splat(pts['other'], g, g), presence(pts['poppy'], g, g)])
    return np.asarray(out, np.uint8), target.astype(np.float16), native


def work(args):
    seed, count, split, size, cache, shared = args
    rnd = random.Random(seed)
    np.random.seed(seed % (1 << 31))
    bank = render.SpriteBank(rnd, cache, shared, split)
    frames = load_frames(cache, shared, split)
    xs, ys, gs = [], [], []
    for _ in range(count):
        x, y, g = sample(rnd, bank, frames, size)
        xs.append(x), ys.append(y), gs.append(g)
    return np.stack(xs), np.stack(ys), np.array(gs, np.float32)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--split', choices=['train', 'val'], required=True)
    p.add_argument('--count', type=int, required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--size', type=int, default=CONFIG['trainSize'])
    p.add_argument('--procs', type=int, default=2)
    p.add_argument('--seed', type=int, default=CONFIG['seed'])
    p.add_argument('--shared', default=os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared')))
    p.add_argument('--cache', default=os.path.join(REPO, '.cache', 'train'))
    a = p.parse_args(argv)
    chunks = a.procs * 4
    per = [a.count // chunks + (1 if i < a.count % chunks else 0) for i in range(chunks)]
    base = a.seed * 1000 + (0 if a.split == 'train' else 500)
    jobs = [(base + i, per[i], a.split, a.size, a.cache, a.shared) for i in range(chunks) if per[i] > 0]
    with Pool(a.procs) as pool:
        parts = pool.map(work, jobs)
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    g = np.concatenate([p[2] for p in parts])
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    np.savez(a.out, images=x, targets=y, native=g)
    print(f'{a.split}: {len(x)} samples {a.size}px, poppy heads/sample {float(y[:, 0].sum((1, 2)).mean()):.1f}, '
          f'other {float(y[:, 1].sum((1, 2)).mean()):.1f}, with poppy {(y[:, 0].sum((1, 2)) > 0).mean():.2f} -> {a.out}')


if __name__ == '__main__':
    main(sys.argv[1:])
