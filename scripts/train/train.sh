#!/usr/bin/env bash
# npm run train: prepare -> synth -> train -> export -> reference. Rerunnable; intermediate files in .cache/train.
# Extra arguments go to train.py, e.g. `npm run train -- --epochs 2 --closeups-per-epoch 500`.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
CACHE=.cache/train
mkdir -p "$CACHE"

echo "== prepare (Node/sharp): split, close-up PNGs, aerial frames at the model's ground resolution"
npx tsx scripts/train/prepare.ts

echo "== synthesise drone tiles (train and validation frames only; test frames stay held out)"
rm -rf "$CACHE/drone/train" "$CACHE/drone/val"
"$PY" scripts/train/synth_drone.py --split val --count 450 --out "$CACHE/drone/val"
"$PY" scripts/train/synth_drone.py --split train --count 2700 --out "$CACHE/drone/train"

echo "== train"
if [ "$#" -eq 0 ]; then
  set -- --epochs 6 --sizes 160,192 --full-size-fraction 0.3 --closeups-per-epoch 2600 --drone-per-epoch 1200 --lr 2e-3 \
    --time-budget-s 2100
fi
"$PY" scripts/train/train.py "$@"

echo "== export ONNX + manifest"
"$PY" scripts/train/export.py

echo "== reference outputs for the Node/Python agreement test"
"$PY" scripts/train/reference.py

node -e "require('onnxruntime-node').InferenceSession.create(process.argv[1]).then(s => console.log('onnxruntime-node loads it:', s.inputNames, s.outputNames))" \
  "$(ls models/*.onnx | head -1)"
