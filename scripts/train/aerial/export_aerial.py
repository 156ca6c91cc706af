#!/usr/bin/python3
"""Exports the trained aerial model: ONNX (dynamic height/width) + manifest, and stamps the manifest into the ONNX
metadata so the file carries its own config.

    /usr/bin/python3 scripts/train/aerial/export_aerial.py            # export from the checkpoint
    /usr/bin/python3 scripts/train/aerial/export_aerial.py --stamp    # after calibration: copy the manifest into
                                                                      # the ONNX metadata, update its sha256
"""
import argparse
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
from net import CONFIG, AerialNet  # noqa: E402

BASENAME = f"{CONFIG['name']}-{CONFIG['version']}"
MODELS = os.path.join(REPO, 'models')
ONNX_PATH = os.path.join(MODELS, BASENAME + '.onnx')
MANIFEST_PATH = os.path.join(MODELS, BASENAME + '.json')


def sha256(path):
    return hashlib.sha256(open(path, 'rb').read()).hexdigest()


def export(checkpoint):
    ck = torch.load(checkpoint, map_location='cpu')
    model = AerialNet()
    model.load_state_dict(ck['state'])
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, 256, 256), ONNX_PATH, input_names=['input'],
                      output_names=['features', 'maps'], opset_version=13,
                      dynamic_axes={'input': {0: 'n', 2: 'h', 3: 'w'}, 'features': {0: 'n', 2: 'fh', 3: 'fw'},
                                    'maps': {0: 'n', 2: 'fh', 3: 'fw'}})
    head_w = model.head.weight.detach().numpy().reshape(3, -1)
    head_b = model.head.bias.detach().numpy()
    previous = json.load(open(MANIFEST_PATH)) if os.path.exists(MANIFEST_PATH) else {}
    manifest = {
        'kind': 'aerial',
        'name': CONFIG['name'],
        'version': CONFIG['version'],
        'file': os.path.basename(ONNX_PATH),
        'sha256': sha256(ONNX_PATH),
        'createdAt': datetime.datetime.utcnow().replace(microsecond=0).isoformat() + 'Z',
        'input': {'name': 'input', 'layout': 'NCHW', 'channelOrder': 'RGB', 'dtype': 'float32', 'range': [0, 255],
                  'normalisation': 'inside the graph: (x/255 - mean) / std', 'mean': CONFIG['mean'], 'std': CONFIG['std'],
                  'multipleOf': CONFIG['stride']},
        'outputs': {'features': 'features', 'maps': 'maps', 'channels': CONFIG['outputs']},
        'groundResolutionCmPerPx': CONFIG['groundResolutionCmPerPx'],
        'stride': CONFIG['stride'],
        'featureChannels': CONFIG['featureChannels'],
        'labels': [
            {'id': 'poppy_flowers', 'en': 'Poppy flowers (Papaver)', 'zh': '罂粟属花朵'},
            {'id': 'other_flowers', 'en': 'Other flowers', 'zh': '其他花卉'},
        ],
        'head': {'version': CONFIG['version'], 'weights': head_w.round(7).tolist(), 'bias': head_b.round(7).tolist()},
        # placeholders until calibrate.ts chooses them on validation frames
        'thresholds': previous.get('thresholds', {'presence': 0.5, 'minHeads': 3, 'minScore': 0.6}),
        'provenance': {
            'trainedBy': 'npm run train:aerial (scripts/train/aerial)',
            'backbone': 'torchvision MobileNetV2 ImageNet weights (../shared/backbones/mobilenet_v2-imagenet-float.pth), features[0:7]',
            'data': 'synthetic scenes only: procedural P. somniferum heads and real poppy-family cut-outs (Oxford 102, '
                    'Kaggle flowers, NERC arable; train split of models/poppywatch-mnv2-1.0.0.split.tsv) planted on the '
                    'training-split real aerial frames (Brighton Beach DJI FC300S, caliterra Canon SX260); no real drone '
                    'image of opium poppy exists in the training data',
            'trainingFrames': [f['file'] for f in json.load(open(os.path.join(REPO, '.cache', 'train', 'aerial.json')))
                               if f['split'] == 'train'],
            'steps': ck['steps'], 'seconds': round(ck['seconds']), 'args': ck['args'], 'validation': ck['val'],
            'seed': CONFIG['seed'],
        },
    }
    json.dump(manifest, open(MANIFEST_PATH, 'w'), indent=1, ensure_ascii=False)
    # the graph's head must be the manifest's head
    x = torch.rand(1, 3, 64, 96) * 255
    f, maps = model(x)
    mine = np.einsum('oc,nchw->nohw', head_w, f.detach().numpy()) + head_b[None, :, None, None]
    assert np.abs(mine - maps.detach().numpy()).max() < 1e-4
    stamp()


def stamp():
    manifest = json.load(open(MANIFEST_PATH))
    m = onnx.load(ONNX_PATH)
    del m.metadata_props[:]
    cfg = {k: v for k, v in manifest.items() if k not in ('sha256', 'provenance', 'file')}
    for k, v in (('poppywatch', json.dumps(cfg, ensure_ascii=False)), ('version', manifest['version']),
                 ('name', manifest['name'])):
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.doc_string = 'PoppyWatch aerial model: per-cell poppy presence and flower-head density at stride 8'
    onnx.save(m, ONNX_PATH)
    manifest['sha256'] = sha256(ONNX_PATH)
    json.dump(manifest, open(MANIFEST_PATH, 'w'), indent=1, ensure_ascii=False)
    print('stamped', ONNX_PATH, manifest['sha256'][:12])


if __name__ == '__main__':
    p = argparse.ArgumentParser()
    p.add_argument('--checkpoint', default=os.path.join(REPO, '.cache', 'aerial', BASENAME + '.pt'))
    p.add_argument('--stamp', action='store_true')
    a = p.parse_args()
    stamp() if a.stamp else export(a.checkpoint)
