#!/usr/bin/python3
"""Trains the aerial model on synth_train.py samples.

    /usr/bin/python3 scripts/train/aerial/train_aerial.py --train .cache/aerial/train.npz --val .cache/aerial/val.npz

Loss: presence (BCE, positives weighted) + poppy and other head densities (linear; MSE on the per-cell maps, blurred
3×3 so a head need not land in one exact cell, plus the relative error of each sample's total: the count is what
the product reports). The schedule runs by steps or by --time-budget-s, whichever ends first (annealed either way).
"""
import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, HERE)
from net import CONFIG, AerialNet  # noqa: E402

BACKBONE = os.path.join(os.environ.get('POPPY_SHARED_DIR', os.path.join(REPO, '..', 'shared')),
                        'backbones', 'mobilenet_v2-imagenet-float.pth')
BLUR = torch.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=torch.float32).view(1, 1, 3, 3) / 16


def blur(d):
    n, c, h, w = d.shape
    return F.conv2d(F.pad(d.reshape(n * c, 1, h, w), (1, 1, 1, 1), mode='replicate'), BLUR).reshape(n, c, h, w)


def batch(images, targets, idx, crop, rnd, train):
    x = torch.from_numpy(images[idx]).permute(0, 3, 1, 2).float()
    y = torch.from_numpy(targets[idx].astype(np.float32))
    s = x.shape[-1]
    if train and crop < s:
        ox, oy = [rnd.integers(0, (s - crop) // 8 + 1) * 8 for _ in range(2)]
        x = x[..., oy:oy + crop, ox:ox + crop]
        y = y[..., oy // 8:(oy + crop) // 8, ox // 8:(ox + crop) // 8]
    if train:
        k = int(rnd.integers(0, 4))
        x, y = torch.rot90(x, k, (2, 3)), torch.rot90(y, k, (2, 3))
        if rnd.random() < 0.5:
            x, y = x.flip(3), y.flip(3)
        gain = torch.from_numpy(rnd.uniform(0.85, 1.15, (len(idx), 1, 1, 1)).astype(np.float32))
        bias = torch.from_numpy(rnd.uniform(-12, 12, (len(idx), 1, 1, 1)).astype(np.float32))
        x = (x * gain + bias).clamp(0, 255)
    return x.contiguous(), y.contiguous()


def losses(maps, y):
    pres = F.binary_cross_entropy_with_logits(maps[:, 0], y[:, 2], pos_weight=torch.tensor(4.0))
    # heads per cell are linear in the features (served as max(0, ·)): a saturating activation would let the empty
    # background push the density to where its gradient vanishes
    dens = maps[:, 1:3]
    target = blur(y[:, 0:2])
    cell = F.mse_loss(dens, target) * 20
    tot_p, tot_t = dens.sum((2, 3)), y[:, 0:2].sum((2, 3))
    count = ((tot_p - tot_t).abs() / (tot_t + 5)).mean()
    return pres, cell, count


@torch.no_grad()
def validate(model, images, targets):
    model.eval()
    ps, ts, cp, ct = [], [], [], []
    for i in range(0, len(images), 16):
        x, y = batch(images, targets, np.arange(i, min(i + 16, len(images))), 0, None, False)
        _, maps = model(x)
        ps.append(torch.sigmoid(maps[:, 0]).flatten())
        ts.append(y[:, 2].flatten())
        cp.append(maps[:, 1].clamp(min=0).sum((1, 2)))
        ct.append(y[:, 0].sum((1, 2)))
    p, t = torch.cat(ps), torch.cat(ts)
    cp, ct = torch.cat(cp), torch.cat(ct)
    out = {}
    for thr in (0.3, 0.5, 0.7):
        hit = p >= thr
        out[f'cellRecall@{thr}'] = float((hit & (t > 0.5)).sum() / max(1, (t > 0.5).sum()))
        out[f'cellFpr@{thr}'] = float((hit & (t < 0.5)).sum() / max(1, (t < 0.5).sum()))
    with_poppy = ct >= 5
    out['countMedianRelErr'] = float(((cp - ct).abs() / ct.clamp(min=1))[with_poppy].median()) if with_poppy.any() else None
    model.train()
    model.freeze_batchnorm()
    return out


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--train', default=os.path.join(REPO, '.cache', 'aerial', 'train.npz'))
    p.add_argument('--val', default=os.path.join(REPO, '.cache', 'aerial', 'val.npz'))
    p.add_argument('--out', default=os.path.join(REPO, '.cache', 'aerial', f"{CONFIG['name']}-{CONFIG['version']}.pt"))
    p.add_argument('--steps', type=int, default=1800)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--crop', type=int, default=192)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--time-budget-s', type=float, default=1500)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--init', default=None, help='start from this checkpoint (continue training) instead of ImageNet')
    a = p.parse_args(argv)
    torch.manual_seed(CONFIG['seed'])
    torch.set_num_threads(a.threads)
    rnd = np.random.default_rng(CONFIG['seed'])
    tr, va = np.load(a.train), np.load(a.val)
    images, targets = tr['images'], tr['targets']
    model = AerialNet(BACKBONE)
    previous = torch.load(a.init, map_location='cpu') if a.init else None
    if previous:
        model.load_state_dict(previous['state'])
    model.train()
    model.freeze_batchnorm()
    backbone = [q for n, q in model.named_parameters() if n.startswith('stride') and q.requires_grad]
    rest = [q for n, q in model.named_parameters() if not n.startswith('stride')]
    opt = torch.optim.AdamW([{'params': backbone, 'lr': a.lr / 4}, {'params': rest, 'lr': a.lr}], weight_decay=1e-4)
    base = [g['lr'] for g in opt.param_groups]
    t0 = time.time()
    step = 0
    log = []
    while step < a.steps:
        elapsed = time.time() - t0
        progress = max(step / a.steps, elapsed / a.time_budget_s)
        if progress >= 1:
            break
        warm = min(1.0, step / 50)
        for g, b in zip(opt.param_groups, base):
            g['lr'] = b * warm * 0.5 * (1 + math.cos(math.pi * progress))
        idx = rnd.choice(len(images), a.batch, replace=False)
        x, y = batch(images, targets, idx, a.crop, rnd, True)
        _, maps = model(x)
        pres, cell, count = losses(maps, y)
        loss = pres + cell + 0.3 * count
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0:
            print(f'step {step} {elapsed:.0f}s progress {progress:.2f} loss {loss.item():.3f} pres {pres.item():.3f} '
                  f'cell {cell.item():.3f} count {count.item():.3f}', flush=True)
        if step % 200 == 0:
            v = validate(model, va['images'], va['targets'])
            log.append({'step': step, **v})
            print('val', v, flush=True)
    v = validate(model, va['images'], va['targets'])
    log.append({'step': step, **v})
    print('final val', v, f'{step} steps in {time.time() - t0:.0f}s', flush=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    steps, seconds = step, time.time() - t0
    if previous:  # provenance counts the whole training
        steps, seconds, log = previous['steps'] + steps, previous['seconds'] + seconds, previous['val'] + log
    torch.save({'state': model.state_dict(), 'steps': steps, 'seconds': seconds, 'val': log, 'args': vars(a)}, a.out)
    print('saved', a.out)


if __name__ == '__main__':
    main(sys.argv[1:])
