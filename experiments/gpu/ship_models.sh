#!/usr/bin/env bash
# How the bundled models in xinwen/assets were made. The base was pretrained on a lent GPU (NVIDIA
# H200, 9 minutes, experiments/gpu/pretrain_gpu.sh); everything else on 2 CPU cores. Re-run to reproduce or
# to beat them: a longer or larger pretraining replaces the base; the rest follows.
set -euo pipefail
SHARED=${SHARED:-../shared}
CORPUS=$SHARED/data/corpus/news.jsonl.gz
THEMES=$SHARED/data/themes

# 1. base: tokenizer + small Chinese BERT, whole-word masking.
#    CPU only (resumable; checkpoints every 5 min; the first CPU base, 75 min, stayed at 4%):
#      xinwen pretrain --corpus "$CORPUS" -o runs/base --max-minutes 95
#    What shipped: the tokenizer of that CPU run, the corpus pretokenized once here, then two
#    GPU stages (see xinwen/assets/base/README.md for both stages' figures):
xinwen pretokenize --corpus "$CORPUS" --tokenizer runs/base -o runs/shard
mkdir -p .carry && tar -C runs -cf - shard | xz -T2 -6 > .carry/shard.tar.xz
#    (device) MINUTES=6 BENCH=1 bash experiments/gpu/pretrain_gpu.sh          -> runs/gpu/run_a (kept), run_b
#    (device, .carry/run_a = runs/gpu/run_a) MINUTES=2.8 BENCH=0 INIT=.carry/run_a \
#      VARIANT_A='{"char_mask_share": 0.5, "lr": 0.0005, "warmup_steps": 300}' \
#      VARIANT_B='{"char_mask_share": 0.3, "lr": 0.001, "warmup_steps": 300}' bash experiments/gpu/pretrain_gpu.sh
#                                                                      -> runs/gpu2/run_a, run_b (kept)
xinwen package base_model runs/gpu2/run_b

# 2. theme model: 256 tokens since 2026-11-26, and since the same day a TF-IDF part with jieba words
#    beside the characters and one softmax on the primary label (configs/train.yaml). The runs it
#    is compared with were made with the older settings: CFG_OVR (characters, one LR per theme) and
#    CFG128 (that, with max_length 128), copies of the config with just those lines changed.
#    A dev-held-out run of the recipe (4-fold out-of-fold scores on train pick the TF-IDF blend and
#    thresholds, dev is never looked at), then the same recipe on train + dev, which ships.
CFG_OVR=$(mktemp --suffix .yaml)
sed -e 's/^  word_ngram_max: 2 .*/  word_ngram_max: 0/' -e 's/^  objective: multinomial .*/  objective: ovr/' configs/train.yaml > "$CFG_OVR"
CFG128=$(mktemp --suffix .yaml); sed 's/^  max_length: 256 .*/  max_length: 128/' "$CFG_OVR" > "$CFG128"
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --folds 4 -o runs/theme_cv --config "$CFG128"
xinwen train --train "$THEMES/train.jsonl" --train "$THEMES/dev.jsonl" --folds 4 -o runs/theme_all --config "$CFG128"
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" -o runs/theme_base --config "$CFG128"
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --random-init -o runs/theme_random --config "$CFG128"   # architecture + tokenizer of the base, untrained weights
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --architecture tfidf -o runs/tfidf --config "$CFG_OVR"
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --architecture tfidf -o runs/tfidf_v3   # today's TF-IDF; benchmarks/throughput.py --tfidf
xinwen train --train "$THEMES/train.jsonl" --train "$THEMES/dev.jsonl" --folds 4 -o runs/theme_all256 --config "$CFG_OVR"
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --folds 4 -o runs/theme_cv_v3   # the shipping recipe, dev held out
xinwen train --train "$THEMES/train.jsonl" --train "$THEMES/dev.jsonl" --folds 4 -o runs/theme_v3   # ships
#    tried, not shipped (docs/experiments/theme_experiments.md): the same with `bert: {primary_loss: 1.0}`, as runs/theme_pl (train + dev)
#    and runs/theme_cv_pl (train, dev held out: 0.872 against theme_cv_v3's 0.890)
python -c "from xinwen.training.theme_card import add_comparison as a; print(a('runs/theme_v3', {'this recipe, train only': 'runs/theme_cv_v3', '256 tokens, char TF-IDF one-vs-rest (shipped before)': 'runs/theme_all256', '128 tokens, train + dev': 'runs/theme_all', '128 tokens, train only': 'runs/theme_cv', 'dev-tuned, first CPU base, 128 tokens': 'runs/theme_base', 'dev-tuned, random init, 128 tokens': 'runs/theme_random', 'tfidf only, dev-tuned': 'runs/tfidf'}))"
xinwen package theme_model runs/theme_v3
#    base against random init with today's recipe, same command; rows added to the card afterwards with
#    training/theme_card.comparison_rows (the card's table above was already written)
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" -o runs/theme_base256
xinwen train --train "$THEMES/train.jsonl" --dev "$THEMES/dev.jsonl" --random-init -o runs/theme_random256
python -c "from xinwen.training.theme_card import comparison_rows as r; print('\n'.join(r({'dev-tuned, shipped base, 256 tokens': 'runs/theme_base256', 'dev-tuned, random init, 256 tokens': 'runs/theme_random256'})))"
xinwen export --model xinwen/assets/theme --onnx --quantize int8
rm -f xinwen/assets/theme/onnx/model.onnx   # ship the int8 graph only (the fp32 one is 4x larger)

#    Measured in one lent-GPU call (docs/experiments/gpu_theme_round.md): a larger base (not shipped) and
#    fine-tuning variants (256 tokens came from there), with the same shard packed to travel whole:
#      python experiments/gpu/shard_travel.py pack runs/shard .carry/shard.xw
#      (device, carry .carry/shard.xw .carry/themes .carry/whl) bash experiments/gpu/gpu_theme_round.sh
#    and a second call (longer fine-tuning, 512 tokens, a second seed; none shipped):
#      (device, carry .carry/themes .carry/whl) bash experiments/gpu/gpu_theme_round2.sh

# 3. digest ranker on (body, headline) pairs
xinwen train-digest --corpus "$CORPUS" -o runs/digest
xinwen package digest_model runs/digest

# 4. checks: int8 ONNX vs torch (must stay within 1 point of macro-F1), on the train-only run of the
#    same recipe, whose dev set is still held out (the shipped model was fit on dev too).
xinwen export --model runs/theme_cv --onnx --quantize int8
xinwen evaluate --model runs/theme_cv --data "$THEMES/dev.jsonl" --backend torch --report reports/dev-torch
xinwen evaluate --model runs/theme_cv --data "$THEMES/dev.jsonl" --backend onnx --report reports/dev-onnx-int8
