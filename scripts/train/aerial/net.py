"""The aerial network: early MobileNetV2 blocks (ImageNet weights), a light decoder, and a separate 1×1 head.

Input: float32 RGB 0-255, N×3×H×W with H and W multiples of 8 (normalisation happens inside the graph).
Output: `features` N×C×H/8×W/8 (what the head reads; stored per detection for retraining) and `maps`
N×3×H/8×W/8 = head(features): poppy presence logit, poppy heads per cell (linear; max(0, ·) is the count), other flower
heads per cell (likewise). The server applies the head from the manifest itself, so a retrained head needs no new graph.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIG = json.load(open(os.path.join(HERE, 'aerial.json')))


class AerialNet(nn.Module):
    def __init__(self, backbone_path=None):
        super().__init__()
        mnv2 = torchvision.models.mobilenet_v2(weights=None)
        if backbone_path:
            mnv2.load_state_dict(torch.load(backbone_path, map_location='cpu'))
        self.stride4 = mnv2.features[:4]   # 24 channels at 1/4
        self.stride8 = mnv2.features[4:7]  # 32 channels at 1/8
        c = CONFIG['featureChannels']
        self.neck = nn.Sequential(
            nn.Conv2d(24 + 32, c, 1), nn.ReLU6(inplace=True),
            nn.Conv2d(c, c, 3, padding=2, dilation=2), nn.ReLU6(inplace=True))
        self.head = nn.Conv2d(c, 3, 1)
        with torch.no_grad():  # start near the priors: few cells hold flowers
            self.head.weight.mul_(0.1)
            self.head.bias.copy_(torch.tensor([-2.0, 0.0, 0.0]))
        self.register_buffer('mean', torch.tensor(CONFIG['mean']).view(1, 3, 1, 1) * 255)
        self.register_buffer('std', torch.tensor(CONFIG['std']).view(1, 3, 1, 1) * 255)

    def features(self, x):
        x = (x - self.mean) / self.std
        s4 = self.stride4(x)
        s8 = self.stride8(s4)
        return self.neck(torch.cat([s8, F.avg_pool2d(s4, 2)], 1))

    def forward(self, x):
        f = self.features(x)
        return f, self.head(f)

    def freeze_batchnorm(self):
        """BatchNorm keeps ImageNet statistics (small batches of synthetic scenes would only add noise), and the stem
        and first block keep their ImageNet filters: generic edges and colours, and the costliest layers to train."""
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
                for p in m.parameters():
                    p.requires_grad_(False)
        for p in self.stride4[:2].parameters():
            p.requires_grad_(False)
