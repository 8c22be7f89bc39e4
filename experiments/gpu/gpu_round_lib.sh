# Sourced by the lent-GPU theme rounds (experiments/gpu/gpu_theme_round*.sh): unpacks the carried wheels
# and labelled files, installs the datasets stand-in where the box's pyarrow refuses the real
# package, and defines `variant NAME JSON BASE`, one `xinwen train --folds 4` on train + dev with
# JSON overrides of configs/train.yaml, stopped at $DEADLINE seconds into the call.
#   needs: T0 (start time), OUT, DEADLINE, SUBSET (0: all records); QUICK=1: one epoch of 64 tokens
el() { echo $(( $(date +%s) - T0 )); }
W=/tmp/xw; rm -rf $W; mkdir -p "$OUT" $W/logs $W/themes $W/pack
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target $W/site .carry/whl/*.whl 2>&1 | tail -2
source experiments/gpu/device_site.sh $W/site  # leaves us in $W
for f in train dev; do xz -dc "$ROOT/.carry/themes/$f.jsonl.xz" > $W/themes/$f.jsonl; done
if [ "$SUBSET" -gt 0 ]; then  # a quick rehearsal on CPU
  for f in train dev; do head -n "$SUBSET" $W/themes/$f.jsonl > $W/t && mv $W/t $W/themes/$f.jsonl; done
  mkdir -p $W/site/jieba && echo 'raise ImportError("no jieba on the box")' > $W/site/jieba/__init__.py
fi
variant() {  # name, JSON overrides of configs/train.yaml, base folder
  $PY - "$1" "$2" <<'PY'
import json, os, sys, yaml
cfg = yaml.safe_load(open(os.environ["ROOT"] + "/configs/train.yaml"))
for k, v in json.loads(sys.argv[2]).items():
    cfg[k] = {**cfg.get(k, {}), **v} if isinstance(v, dict) else v
if os.environ.get("QUICK"):  # a rehearsal of the script's plumbing on CPU
    cfg["bert"].update(epochs=1, max_length=64)
yaml.safe_dump(cfg, open(f"/tmp/xw/cfg_{sys.argv[1]}.yaml", "w"))
PY
  timeout $(( DEADLINE - $(el) )) $PY -m xinwen train --train $W/themes/train.jsonl --train $W/themes/dev.jsonl --folds 4 \
    -o $W/th_$1 --config $W/cfg_$1.yaml --base-model "$3" > $W/logs/th_$1.log 2>&1
  local rc=$?  # 124: stopped at the deadline
  echo "[$(el)s] th_$1 rc=$rc $(tail -n 1 $W/logs/th_$1.log)"
}
