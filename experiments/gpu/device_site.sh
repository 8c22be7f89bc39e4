# Sourced by the lent-GPU scripts: xinwen importable on a box with torch/transformers but no
# package index, from an import tree that maps the repo's folders the way pyproject.toml does.
#   source experiments/gpu/device_site.sh SITE_DIR    # sets ROOT, PY, PYTHONPATH; leaves you in SITE_DIR/..
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
ROOT=$(pwd); export ROOT
PY=${PY:-python3}
_site=$1
mkdir -p "$_site/xinwen"
cp -r xinwen/. "$_site/xinwen/"
for d in models training inference configs; do ln -sfn "$ROOT/$d" "$_site/xinwen/$d"; done
export PYTHONPATH=$_site
cd "$_site/.."  # so that the repo's own xinwen/ folder (without the mapped subpackages) does not shadow it
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c "import torch, transformers; print('torch', torch.__version__, 'transformers', transformers.__version__, 'cuda', torch.cuda.is_available())"
