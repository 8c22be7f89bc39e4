#!/usr/bin/env bash
# Pretrain the xinwen base on a lent GPU box from a pretokenized shard, two learning rates side
# by side (the model is far too small to fill the GPU alone), and pack each run's fp16 folder.
#
#   xinwen pretokenize --corpus ../shared/data/corpus/news.jsonl.gz --tokenizer xinwen/assets/base -o runs/shard
#   tar -C runs -cf - shard | xz -T2 -6 > .carry/shard.tar.xz        # .carry/ is git-ignored
#   (device) MINUTES=6 bash experiments/gpu/pretrain_gpu.sh                    # stage 1: whole-word masking
#   (device) MINUTES=3 INIT=.carry/run_a VARIANT_A=... bash experiments/gpu/pretrain_gpu.sh   # stage 2: mixed masking
#
# The box has torch/transformers but neither jieba nor datasets (the shard needs neither) and
# no package index, so xinwen runs from a symlinked import tree instead of `pip install`.
set -uo pipefail
MINUTES=${MINUTES:-6.5}
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
source experiments/gpu/device_site.sh /tmp/site  # leaves us in /tmp
[ -d /tmp/shard ] || { xz -dc -T0 "$ROOT/.carry/shard.tar.xz" | tar -x -C /tmp; }
cat /tmp/shard/shard.json | head -c 400; echo

# two variants side by side: JSON overrides of the config's `training` section
export VARIANT_A=${VARIANT_A:-'{}'} VARIANT_B=${VARIANT_B:-'{"lr": 0.0005, "warmup_steps": 500}'}
$PY - <<'PY'
import json, os, yaml
for v in ("a", "b"):
    cfg = yaml.safe_load(open(os.environ["ROOT"] + "/configs/pretrain_gpu.yaml"))
    cfg["training"].update(json.loads(os.environ[f"VARIANT_{v.upper()}"]))
    yaml.safe_dump(cfg, open(f"/tmp/pretrain_gpu_{v}.yaml", "w"))
PY
INIT_ARGS=()
[ -n "${INIT:-}" ] && INIT_ARGS=(--init-from "$ROOT/$INIT")
for v in a b; do
  $PY -m xinwen pretrain --corpus /tmp/shard -o /tmp/run_$v --config /tmp/pretrain_gpu_$v.yaml \
      --max-minutes "$MINUTES" "${INIT_ARGS[@]}" > "$OUT/run_$v.log" 2>&1 &
done
wait

$PY - <<'PY'
import json, os, subprocess
from pathlib import Path
from xinwen.packaging import package_model
out = Path(os.environ.get("OUT", "/tmp/out"))
for run in ("run_a", "run_b"):
    src, dst = Path("/tmp") / run, Path("/tmp/pack") / run
    if not (src / "metrics.json").exists():
        print(run, "no metrics.json"); continue
    package_model("base_model", src, dst)  # fp16 weights + card, metrics, tokenizer; no checkpoint
    subprocess.run(["tar", "-C", "/tmp/pack", "-czf", str(out / f"{run}.tgz"), run], check=True)
    m = json.loads((src / "metrics.json").read_text())
    print(run, "step", m["step"], "minutes", m["minutes"], "heldout", m["heldout"], "baselines", m["baselines"])
PY
# speed of the default (CPU) config and of the GPU config, full vs masked-only LM head, on this card
[ "${BENCH:-1}" = 1 ] && for c in "$ROOT/configs/pretrain.yaml" "$ROOT/configs/pretrain_gpu.yaml"; do
  timeout 60 $PY "$ROOT/benchmarks/pretrain.py" --corpus /tmp/shard --base /tmp/shard --steps 30 --config $c 2>&1 | tail -3
done | tee "$OUT/bench_pretrain_gpu.txt"
ls -la "$OUT"
