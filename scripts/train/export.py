#!/usr/bin/python3
"""Exports the trained checkpoint to models/<name>-<version>.onnx (opset 13, dynamic batch, input `input`, output
`logits`) and writes the manifest models/<name>-<version>.json (schema: server/src/model/manifest.ts).

    /usr/bin/python3 scripts/train/export.py
"""
import datetime
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BACKBONE, BASENAME, CACHE, CHECKPOINT, CONFIG, LABELS, MODELS, REPO, load_checkpoint,  # noqa: E402
                    read_tsv, sha256)


def data_summary(shared):
    split_rows = read_tsv(os.path.join(MODELS, f'{BASENAME}.split.tsv'))
    counts = {}
    for r in split_rows:
        counts.setdefault(r['label'], {}).setdefault(r['split'], 0)
        counts[r['label']][r['split']] += 1
    manifest = read_tsv(os.path.join(shared, 'data', 'MANIFEST.tsv'))
    sources = {}
    for r in manifest:
        parts = r['file'].split('/')
        key = f'{parts[1]}/{parts[2]}'
        s = sources.setdefault(key, {'dataset': key, 'sourceRepo': r['source_repo'], 'commit': r['commit'],
                                     'licence': r['licence'], 'files': 0})
        s['files'] += 1
    synth = {}
    for split in ('train', 'val'):
        p = os.path.join(CACHE, 'drone', split, 'labels.tsv')
        if os.path.exists(p):
            for r in read_tsv(p):
                synth.setdefault(split, {}).setdefault(r['label'], 0)
                synth[split][r['label']] += 1
    per_split = {}
    for r in split_rows:
        per_split[r['split']] = per_split.get(r['split'], 0) + 1
    return {
        'splitFile': f'{BASENAME}.split.tsv',
        'splitRule': 'seeded per-label shuffle; n=1: train; n=2-6: one test, rest train; n>=7: ~70/15/15 '
                     '(at least one val and one test); real aerial frames held out whole (model.json aerialHoldout); '
                     'phone photos are unlabelled and never trained on',
        'filesPerSplit': per_split,
        'countsPerLabel': counts,
        'syntheticDroneTiles': synth,
        'syntheticRecipe': 'scripts/train/synth_drone.py: real flower cut-outs at true ground size (poppy heads 5-12 '
                           'cm, others 3-15 cm, 10-80 heads/m2) on foliage plots over real aerial frames of the same '
                           'split, native 1-3 cm/px resampled to the model resolution with +-20% scale jitter',
        'sources': sorted(sources.values(), key=lambda s: s['dataset']),
        'notTrainedOn': ['real drone imagery of Papaver somniferum (none exists in the data)',
                         'more than one real P. somniferum photo (one seedling photo, cropped inside its drawn box)'],
    }


def main():
    shared = os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared'))
    model, ckpt = load_checkpoint()
    if ckpt['labels'] != [l['id'] for l in LABELS]:
        sys.exit('checkpoint labels differ from scripts/train/labels.json; retrain')
    size = CONFIG['inputSize']
    onnx_path = os.path.join(MODELS, f'{BASENAME}.onnx')
    tmp = onnx_path + '.tmp'
    dummy = torch.zeros(2, 3, size, size)
    torch.onnx.export(model, dummy, tmp, opset_version=13, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}}, do_constant_folding=True)
    m = onnx.load(tmp)
    onnx.checker.check_model(m)
    m.producer_name = 'poppywatch scripts/train/export.py'
    m.doc_string = f'{BASENAME}: MobileNetV2 fine-tuned for poppy detection; labels and thresholds in {BASENAME}.json'
    onnx.save(m, tmp)
    os.replace(tmp, onnx_path)
    tr = ckpt['training']
    manifest = {
        'name': CONFIG['name'],
        'version': CONFIG['version'],
        'file': os.path.basename(onnx_path),
        'sha256': sha256(onnx_path),
        'createdAt': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'input': {'name': 'input', 'size': size, 'layout': 'NCHW', 'channelOrder': 'RGB', 'scale': 255,
                  'mean': CONFIG['mean'], 'std': CONFIG['std'],
                  'resize': {'library': 'sharp', 'fit': 'cover', 'kernel': 'lanczos3'}},
        'output': {'name': 'logits', 'activation': 'softmax'},
        'labels': [{k: l[k] for k in ('id', 'en', 'zh', 'group', 'kind')} for l in LABELS],
        'thresholds': {k: round(float(v), 6) for k, v in ckpt['thresholds'].items()},
        'drone': CONFIG['drone'],
        'data': data_summary(shared),
        'metrics': {'validation': ckpt['validation']},
        'provenance': {
            'provisional': tr['provisional'],
            'backbone': {'file': 'backbones/mobilenet_v2-imagenet-float.pth', 'sha256': sha256(BACKBONE),
                         'what': 'torchvision MobileNetV2 rebuilt from the ONNX Model Zoo mobilenetv2-12-int8 '
                                 '(Apache-2.0), BatchNorm folded; BN kept in eval mode while fine-tuning'},
            'finetuning': 'whole network',
            'scripts': ['scripts/train/train.sh', 'scripts/train/prepare.ts', 'scripts/train/synth_drone.py',
                        'scripts/train/train.py', 'scripts/train/export.py'],
            'command': 'npm run train',
            'trainCommand': tr['command'],
            'seed': tr['seed'], 'epochs': tr['epochs'], 'epochsCompleted': tr['epochsCompleted'],
            'inputSizes': tr['sizes'], 'steps': tr['steps'], 'batch': tr['batch'], 'optimizer': tr['optimizer'],
            'learningRate': tr['lr'], 'samplesPerEpoch': {'closeup': tr['closeupsPerEpoch'],
                                                          'drone': tr['dronePerEpoch']},
            'trainSeconds': tr['trainSeconds'], 'threads': tr['threads'],
            'stoppedByTimeBudget': tr['stoppedByTimeBudget'],
            'torch': tr['torch'], 'onnx': onnx.__version__, 'opset': 13, 'quantisation': 'none (float32)',
        },
    }
    out = os.path.join(MODELS, f'{BASENAME}.json')
    with open(out + '.tmp', 'w') as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
        fh.write('\n')
    os.replace(out + '.tmp', out)
    print(f'export: {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.1f} MB, sha256 {manifest["sha256"][:12]}…), {out}; '
          f'thresholds {manifest["thresholds"]}')


if __name__ == '__main__':
    main()
