#!/usr/bin/python3
"""Reference outputs for the Node/Python agreement test: the trained network run in torch (not ONNX) on real
close-ups that were never trained on (test split, plus a few unlabelled phone photos), each read from the 224-px
PNG that prepare.ts wrote with closeupPixels(file, 224), i.e. exactly the pixels Node feeds the ONNX model.

    /usr/bin/python3 scripts/train/reference.py [--count 40]

Writes models/<name>-<version>.reference.json:
  {"model": {"name", "version", "sha256"}, "images": [{"file": <path relative to ../shared>, "label": <label or null>,
   "probs": [softmax in manifest label order], "poppy": <sum over the poppy group>}]}
"""
import argparse
import json
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BASENAME, CACHE, CONFIG, LABELS, MODELS, load_checkpoint, poppy_score, predict,  # noqa: E402
                    read_rgb, read_tsv)


def pick(rows, count, rnd):
    """Every poppy-group test label first (the ones that matter), then other classes, then phone photos."""
    group = {l['id']: l['group'] for l in LABELS}
    test = sorted([r for r in rows if r['split'] == 'test'], key=lambda r: r['file'])
    phone = sorted([r for r in rows if r['split'] == 'unlabelled'], key=lambda r: r['file'])
    chosen, seen = [], set()
    for r in test:  # one image of each poppy label
        if group[r['label']] == 'poppy' and r['label'] not in seen:
            chosen.append(r)
            seen.add(r['label'])
    large = [r for r in test if r['file'].startswith('data/plants/nerc-arable/') and r not in chosen]
    chosen += large[:3]  # 1024-px field photos: a real downscale, not a near no-op
    n_phone = min(6, len(phone))
    rest = [r for r in test if r not in chosen]
    rnd.shuffle(rest)
    by_label = {}
    for r in rest:
        by_label.setdefault(r['label'], r)
    others = list(by_label.values())
    rnd.shuffle(others)
    chosen += others[:max(0, count - len(chosen) - n_phone)]
    chosen += rnd.sample(phone, n_phone)
    return chosen


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--count', type=int, default=40)
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    manifest = json.load(open(os.path.join(MODELS, f'{BASENAME}.json')))
    model, _ = load_checkpoint()
    rows = read_tsv(os.path.join(CACHE, 'closeups.tsv'))
    chosen = pick(rows, args.count, random.Random(CONFIG['seed']))
    probs = predict(model, [read_rgb(os.path.join(CACHE, r['png'])) for r in chosen])
    poppy = poppy_score(probs)
    images = [{
        'file': r['file'],
        'label': None if r['label'] == '-' else r['label'],
        'probs': [round(float(v), 7) for v in pr],
        'poppy': round(float(pp), 7),
    } for r, pr, pp in zip(chosen, probs, poppy)]
    out = os.path.join(MODELS, f'{BASENAME}.reference.json')
    with open(out, 'w') as fh:
        json.dump({'model': {'name': manifest['name'], 'version': manifest['version'], 'sha256': manifest['sha256']},
                   'labels': [l['id'] for l in LABELS], 'images': images}, fh, indent=1)
        fh.write('\n')
    print(f'reference: {len(images)} images -> {out}')


if __name__ == '__main__':
    main(sys.argv[1:])
