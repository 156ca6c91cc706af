#!/usr/bin/python3
"""Plants the demo flight's plots into real drone frames (called by make-demo-flight.ts with a JSON spec).

    /usr/bin/python3 scripts/samples/demo_frames.py spec.json

spec: {"fineCmPerPx", "plots": [{"id", "kind", "layout", "species", "sizeM", "density", "seed"}],
       "frames": [{"src", "out", "gsdCmPerPx", "plots": [{"id", "p0": [x, y], "J": [[a, b], [c, d]]}]}]}
where a ground offset (east, north) in metres from the plot centre lands at pixel p0 + J·(east, north).
Each plot is rendered once, north-up, with the aerial model's scene renderer (render.py: the same plantings the model
is trained on, but with the demo's own seeds and sprite bank), reduced to the frame's native ground resolution, then
warped into every frame that sees it, so overlapping frames show the same flowers. Writes the frames as PNG and
prints JSON: per plot its outline (metres, north-up) and counted heads.
"""
import json
import math
import os
import random
import sys

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'train', 'aerial'))
import render  # noqa: E402

LAYOUT_SPECIES = dict(render.OTHER_SPECIES)


class PlotCanvas(render.Canvas):
    """A transparent canvas: what is planted carries alpha, so the plot can be laid over a real frame."""

    def __init__(self, size, f):
        super().__init__(np.zeros((size, size, 3), np.uint8), f)
        self.alpha = np.zeros((size, size), np.float32)

    def _composite(self, rgba, x0, y0):
        h, w = rgba.shape[:2]
        xa, ya, xb, yb = max(0, x0), max(0, y0), min(self.w, x0 + w), min(self.h, y0 + h)
        if xa >= xb or ya >= yb:
            return
        a = rgba[ya - y0:yb - y0, xa - x0:xb - x0, 3].astype(np.float32) / 255.0
        super()._composite(rgba, x0, y0)
        self.alpha[ya:yb, xa:xb] = 1 - (1 - self.alpha[ya:yb, xa:xb]) * (1 - a)

    def shadow(self, mask, strength, dx, dy):
        sh = np.roll(np.roll(mask.astype(np.float32), int(dy), 0), int(dx), 1) * strength
        self.rgb *= (1 - sh)[..., None]
        self.alpha = 1 - (1 - self.alpha) * (1 - sh)

    def rgba(self):
        # pot rims and mats are painted straight into the colour: opaque wherever colour exists but no alpha yet;
        # where only shadow exists the colour is black with the shadow's alpha
        alpha = np.where((self.alpha == 0) & (self.rgb.sum(2) > 0), 1.0, self.alpha)
        return np.dstack([np.clip(self.rgb, 0, 255), np.clip(alpha * 255, 0, 255)]).astype(np.uint8)


def render_plot(p, f, bank):
    rnd = random.Random(p['seed'])
    size = int(p['sizeM'] * 3.5 * 100 / f)
    c = PlotCanvas(size, f)
    c.sun = (0.6, 0.4)
    species = None if p['kind'] == 'poppy' else (p['species'], LAYOUT_SPECIES.get(p['species'], (5, 9)))
    if p['layout'] == 'mat':
        c.chilli_mat(size / 2, size / 2, rnd, bank)
    else:
        c.plant('poppy' if p['kind'] == 'poppy' else 'other', p['layout'], size / 2, size / 2, rnd, bank,
                species=species, density=p['density'], scale=p['sizeM'] / 3)
    planting = c.plantings[-1]
    to_m = lambda x, y: [(x - size / 2) * f / 100, -(y - size / 2) * f / 100]
    heads = [to_m(x, y) for x, y, kind, counted in c.heads if kind == 'poppy']
    outline = [[to_m(x, y) for x, y in poly] for poly in planting['polygons']]
    return c.rgba(), {'id': p['id'], 'heads': len(heads), 'headsM': heads, 'polygonsM': outline,
                      'areaM2': planting['areaM2']}


def warp_into(frame, patch, f, frame_gsd, p0, J):
    """Lays a north-up RGBA patch (f cm/px, centred on the plot) into the frame through p0 + J·(east, north)."""
    k = frame_gsd / f  # reduce to the frame's native ground resolution first (anti-aliased), then warp at ~1:1
    small = Image.fromarray(patch, 'RGBA').resize((max(1, round(patch.shape[1] / k)), max(1, round(patch.shape[0] / k))), Image.LANCZOS)
    sw, sh = small.size
    g = frame_gsd / 100  # metres per small-patch px
    # small px (u, v) → ground (east, north) = ((u - sw/2)·g, -(v - sh/2)·g) → frame px = p0 + J·(east, north)
    A = np.array([[J[0][0] * g, -J[0][1] * g], [J[1][0] * g, -J[1][1] * g]])
    b = np.array(p0) - A @ np.array([sw / 2, sh / 2])
    corners = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]]) @ A.T + b
    x0, y0 = np.floor(corners.min(0)).astype(int)
    x1, y1 = np.ceil(corners.max(0)).astype(int)
    W, H = frame.size
    if x1 < 0 or y1 < 0 or x0 >= W or y0 >= H:
        return
    inv = np.linalg.inv(A)
    off = inv @ (np.array([x0, y0]) - b)  # output px (x0 + i, y0 + j) → small px
    data = (inv[0][0], inv[0][1], off[0], inv[1][0], inv[1][1], off[1])
    warped = small.transform((x1 - x0, y1 - y0), Image.AFFINE, data, resample=Image.BICUBIC)
    frame.alpha_composite(warped, (int(x0), int(y0))) if frame.mode == 'RGBA' else frame.paste(warped, (int(x0), int(y0)), warped)


def main(spec_path):
    spec = json.load(open(spec_path))
    f = spec['fineCmPerPx']
    bank = render.SpriteBank(random.Random(spec['seed']), spec['cache'], spec['shared'], 'test')
    patches, info = {}, []
    for p in spec['plots']:
        patch, meta = render_plot(p, f, bank)
        patches[p['id']] = patch
        info.append(meta)
    for fr in spec['frames']:
        img = Image.open(fr['src']).convert('RGB')
        for pl in fr['plots']:
            warp_into(img, patches[pl['id']], f, fr['gsdCmPerPx'], pl['p0'], pl['J'])
        img.save(fr['out'])
    print(json.dumps({'plots': info}))


if __name__ == '__main__':
    main(sys.argv[1])
