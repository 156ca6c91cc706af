#!/usr/bin/python3
"""Whole synthetic drone frames with truth, for evaluation (never for training).

    /usr/bin/python3 scripts/train/aerial/synth_frames.py --split test --gsd 2.0 --count 8 --out .cache/aerial/eval/g2.0

Each frame: NATIVE_W×NATIVE_H px as a camera at `--gsd` cm/px would take it, over real ground from a held-out frame
of the split, with 2-3 poppy plots (≥ 1 m², 15-60 heads/m²) and 2 look-alike plantings (ornamental beds, chilli on
a mat) plus clutter; flower sprites come from a bank seeded apart from training and from the split's photos.
`--effects` picks the camera: default (random defocus, noise, haze, JPEG like training), clean, blur, jpeg50, haze.
Writes OUT/frame_NNN.png and OUT/truth.json: per frame its gsd and the plots (kind, polygon and centre in frame px,
heads, areaM2, species).
"""
import argparse
import json
import os
import random
import sys

import numpy as np
from PIL import Image, ImageFilter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
import render  # noqa: E402
from synth_train import load_frames  # noqa: E402

NATIVE_W, NATIVE_H = 1600, 1200


def camera_effects(canvas, factor, rnd, effects):
    if effects == 'default':
        return render.camera(canvas.rgb, factor, rnd)
    img = render.camera(canvas.rgb, factor, rnd, effects=False)
    if effects == 'blur':
        img = img.filter(ImageFilter.GaussianBlur(1.2))
    elif effects == 'haze':
        arr = np.asarray(img, np.float32) * 0.7 + 0.3 * np.array([200, 205, 215], np.float32)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    elif effects == 'jpeg50':
        img = render.camera(np.asarray(img, np.float32), 1, rnd, effects=False, jpeg=50)
    return img


def frame(rnd, bank, frames, gsd, effects):
    f = gsd / 2
    W, H = NATIVE_W * 2, NATIVE_H * 2
    src, img = rnd.choice(frames)
    ground = render.ground_patch(img, src['gsdCmPerPx'], f, H, W, rnd)
    c = render.scene(rnd, bank, ground, f, rnd.randint(2, 3), 2, clutter=3, chilli=rnd.random() < 0.3, margin=0.12,
                     sizes=rnd.uniform(0.5, 1.0), density=None)
    for p in c.plantings:  # evaluation plots: at least 15 heads/m² (the goal's definition); sparser ones dropped
        p['eval'] = p['kind'] != 'poppy' or (p['areaM2'] >= 1 and p['heads'] / max(p['areaM2'], 1e-6) >= 15)
    out = camera_effects(c, 2, rnd, effects)
    k = 0.5  # canvas px → native px
    plots = []
    for p in c.plantings:
        heads = [(x * k, y * k) for (x, y, kind, counted) in c.heads if kind == 'poppy'] if p['kind'] == 'poppy' else []
        polys = [[(x * k, y * k) for x, y in poly] for poly in p['polygons']]
        inside = [h for h in heads if any(_inside(poly, h) for poly in polys)]
        centre = tuple(np.mean(inside, 0)) if inside else tuple(np.mean([pt for poly in polys for pt in poly], 0))
        plots.append({'kind': p['kind'], 'layout': p['layout'], 'species': p['species'], 'polygons': polys,
                      'heads': len(inside) if p['kind'] == 'poppy' else 0, 'areaM2': p['areaM2'], 'eval': p['eval'],
                      'centre': [float(centre[0]), float(centre[1])]})
    return out, {'background': os.path.basename(src['file']), 'gsdCmPerPx': gsd, 'width': out.size[0],
                 'height': out.size[1], 'plots': plots}


def _inside(poly, pt):
    x, y = pt
    inside = False
    for i in range(len(poly)):
        (x1, y1), (x2, y2) = poly[i], poly[i - 1]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--split', choices=['val', 'test'], required=True)
    p.add_argument('--gsd', type=float, required=True)
    p.add_argument('--count', type=int, required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--effects', default='default', choices=['default', 'clean', 'blur', 'jpeg50', 'haze'])
    p.add_argument('--seed', type=int, default=7301)
    p.add_argument('--shared', default=os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared')))
    p.add_argument('--cache', default=os.path.join(REPO, '.cache', 'train'))
    a = p.parse_args(argv)
    seed = a.seed * 100 + int(a.gsd * 10) + (0 if a.split == 'test' else 50)
    rnd = random.Random(seed)
    np.random.seed(seed)
    bank = render.SpriteBank(random.Random(a.seed + (0 if a.split == 'test' else 1)), a.cache, a.shared, a.split)
    frames = load_frames(a.cache, a.shared, a.split)
    os.makedirs(a.out, exist_ok=True)
    truth = []
    for i in range(a.count):
        img, t = frame(rnd, bank, frames, a.gsd, a.effects)
        name = f'frame_{i:03d}.png'
        img.save(os.path.join(a.out, name))
        truth.append({'file': name, **t})
    json.dump({'split': a.split, 'gsdCmPerPx': a.gsd, 'effects': a.effects, 'frames': truth}, open(os.path.join(a.out, 'truth.json'), 'w'))
    print(f'{a.count} frames at {a.gsd} cm/px ({a.effects}) -> {a.out}')


if __name__ == '__main__':
    main(sys.argv[1:])
