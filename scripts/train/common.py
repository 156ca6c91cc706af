"""Shared pieces of the training scripts: configuration, labels, the network, evaluation-time tensors."""
import hashlib
import json
import os

import numpy as np
import torch
import torchvision
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
CONFIG = json.load(open(os.path.join(HERE, 'model.json')))
LABELS = json.load(open(os.path.join(HERE, 'labels.json')))
LABEL_IDS = [l['id'] for l in LABELS]
LABEL_INDEX = {l: i for i, l in enumerate(LABEL_IDS)}
POPPY_MASK = torch.tensor([l['group'] == 'poppy' for l in LABELS])
CACHE = os.path.join(REPO, '.cache', 'train')
MODELS = os.path.join(REPO, 'models')
BASENAME = f"{CONFIG['name']}-{CONFIG['version']}"
CHECKPOINT = os.path.join(CACHE, f'{BASENAME}.pt')
BACKBONE = os.path.join(os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared')),
                        'backbones', 'mobilenet_v2-imagenet-float.pth')
MEAN = torch.tensor(CONFIG['mean']).view(1, 3, 1, 1)
STD = torch.tensor(CONFIG['std']).view(1, 3, 1, 1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def build_model(backbone_path=BACKBONE):
    """ImageNet MobileNetV2 with a new classifier head for our labels."""
    model = torchvision.models.mobilenet_v2(weights=None)
    if backbone_path:
        model.load_state_dict(torch.load(backbone_path, map_location='cpu'))
    model.classifier = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(1280, len(LABEL_IDS)))
    return model


def train_mode(model):
    """Training mode except BatchNorm: the backbone's BN layers are folded identities and must keep their stats."""
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()


def load_checkpoint(path=CHECKPOINT):
    ckpt = torch.load(path, map_location='cpu')
    model = build_model(None)
    model.load_state_dict(ckpt['state_dict'])
    model.eval()
    return model, ckpt


def to_tensor_uint8(arrays):
    """HWC uint8 arrays -> normalised NCHW float batch, the same arithmetic as server/src/model/preprocess.ts."""
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float() / 255.0
    return (x - MEAN) / STD


def read_rgb(path):
    return np.asarray(Image.open(path).convert('RGB'))


@torch.no_grad()
def predict(model, arrays, batch=64):
    """Softmax probabilities for HWC uint8 arrays (eval mode)."""
    model.eval()
    out = []
    for i in range(0, len(arrays), batch):
        out.append(torch.softmax(model(to_tensor_uint8(arrays[i:i + batch])), dim=1))
    return torch.cat(out) if out else torch.zeros(0, len(LABEL_IDS))


def poppy_score(probs):
    return probs[:, POPPY_MASK].sum(dim=1)


def read_tsv(path):
    lines = [l.rstrip('\n').split('\t') for l in open(path) if l.strip()]
    return [dict(zip(lines[0], r)) for r in lines[1:]]


def frame_tiles(png_path, tile, overlap):
    """Cuts a frame already resampled to the model's resolution into tile×tile windows (last row/column flush)."""
    img = read_rgb(png_path)
    h, w = img.shape[:2]
    stride = max(1, int(round(tile * (1 - overlap))))
    xs = list(range(0, max(1, w - tile + 1), stride))
    ys = list(range(0, max(1, h - tile + 1), stride))
    if xs[-1] != w - tile:
        xs.append(w - tile)
    if ys[-1] != h - tile:
        ys.append(h - tile)
    return [img[y:y + tile, x:x + tile] for y in ys for x in xs]
