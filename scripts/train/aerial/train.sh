#!/usr/bin/env bash
# npm run train:aerial — the aerial model from scratch: training samples → train → export → calibrate thresholds on
# validation frames → stamp the manifest into the ONNX metadata. Rerunnable, seeded; intermediate files in
# .cache/aerial (needs .cache/train from `npx tsx scripts/train/prepare.ts`, which it runs when missing).
# Extra arguments go to train_aerial.py, e.g. `npm run train:aerial -- --time-budget-s 600`.
set -euo pipefail
cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3
CACHE=.cache/aerial
mkdir -p "$CACHE"
[ -f .cache/train/closeups.tsv ] && [ -f .cache/train/aerial.json ] || npx tsx scripts/train/prepare.ts

echo "== training samples (train and validation frames and flowers only; test frames stay held out)"
[ -f "$CACHE/val.npz" ] || "$PY" scripts/train/aerial/synth_train.py --split val --count 400 --out "$CACHE/val.npz"
[ -f "$CACHE/train.npz" ] || "$PY" scripts/train/aerial/synth_train.py --split train --count 3000 --out "$CACHE/train.npz"

echo "== train"
if [ "$#" -eq 0 ]; then set -- --steps 4000 --time-budget-s 2100; fi
"$PY" scripts/train/aerial/train_aerial.py "$@"

echo "== export ONNX + manifest"
"$PY" scripts/train/aerial/export_aerial.py

echo "== thresholds on validation frames (and ONNX metadata)"
npx tsx scripts/train/aerial/calibrate.ts
