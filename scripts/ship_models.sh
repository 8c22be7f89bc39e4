#!/usr/bin/env bash
# How the bundled models in xinwen/assets were made (CPU, 2 cores). Re-run to reproduce or to
# beat them: a longer `pretrain --resume`, or a GPU, replaces the base; the rest follows.
set -euo pipefail
SHARED=${SHARED:-../shared}
CORPUS=$SHARED/data/corpus/news.jsonl.gz
THEMES=$SHARED/data/themes

# 1. base: tokenizer + small Chinese BERT, whole-word masking (resumable; checkpoints every 5 min)
xinwen pretrain --corpus "$CORPUS" -o runs/base --max-minutes "${PRETRAIN_MINUTES:-95}"
xinwen package base_model runs/base

# 2. theme model from the shipped base, and the same recipe from random init for the card
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" -o runs/theme_base
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --random-init -o runs/theme_random   # architecture + tokenizer of the base, untrained weights
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --architecture tfidf -o runs/tfidf
python -c "from xinwen.training.theme_card import add_comparison as a; print(a('runs/theme_base', {'random init': 'runs/theme_random', 'tfidf only': 'runs/tfidf'}))"
xinwen package theme_model runs/theme_base
xinwen export --model xinwen/assets/theme --onnx --quantize int8
rm -f xinwen/assets/theme/onnx/model.onnx   # ship the int8 graph only (the fp32 one is 4x larger)

# 3. digest ranker on (body, headline) pairs
xinwen train-digest --corpus "$CORPUS" -o runs/digest
xinwen package digest_model runs/digest

# 4. checks: int8 ONNX vs torch on dev (must stay within 1 point of macro-F1)
xinwen evaluate --data "$THEMES/dev.jsonl" --backend torch --report reports/dev-torch
xinwen evaluate --data "$THEMES/dev.jsonl" --backend onnx --report reports/dev-onnx-int8
