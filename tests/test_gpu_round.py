"""The pieces of a lent-GPU round that can be checked without a GPU: the device choice of
fine-tuning, the travelling shard, and that the round scripts parse."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file, save_file
from xinwen.training.theme_train import _device

SCRIPTS = Path(__file__).resolve().parent.parent / "experiments" / "gpu"


def test_fine_tuning_picks_a_gpu_only_when_torch_sees_one(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert _device("auto").type == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert _device("auto").type == "cuda"
    assert _device("cpu").type == "cpu"  # an explicit choice wins


def _tiny_shard(path: Path, n: int = 40) -> dict:
    rng = np.random.default_rng(0)
    arrays = {"input_ids": rng.integers(0, 7000, (n, 16)).astype(np.int16),
              "word_starts": rng.integers(0, 2, (n, 16)).astype(np.uint8),
              "eval_input_ids": rng.integers(0, 7000, (3, 16)).astype(np.int16),
              "eval_word_starts": rng.integers(0, 2, (3, 16)).astype(np.uint8)}
    path.mkdir()
    save_file(arrays, str(path / "windows.safetensors"))
    (path / "shard.json").write_text(json.dumps({"format": "xinwen-pretokenized/1", "windows": n, "fraction": 1.0}))
    (path / "tokenizer_config.json").write_text('{"cls_token": "[CLS]"}')
    return arrays


@pytest.mark.parametrize("fraction", [1.0, 0.5])
def test_travelling_shard_round_trips(tmp_path, fraction):
    src = _tiny_shard(tmp_path / "shard")
    packed, back = tmp_path / "shard.xw", tmp_path / "back"
    run = [sys.executable, str(SCRIPTS / "shard_travel.py")]
    subprocess.run([*run, "pack", str(tmp_path / "shard"), str(packed), "--fraction", str(fraction)], check=True)
    subprocess.run([*run, "unpack", str(packed), str(back)], check=True)
    got = load_file(str(back / "windows.safetensors"))
    for k in ("eval_input_ids", "eval_word_starts"):  # held-out windows always travel whole
        assert np.array_equal(got[k], src[k])
    assert len(got["input_ids"]) == int(40 * fraction)
    rows = {r.tobytes() for r in src["input_ids"]}
    assert all(r.tobytes() in rows for r in got["input_ids"])  # a subset, not something new
    if fraction == 1.0:
        assert all(np.array_equal(got[k], src[k]) and got[k].dtype == src[k].dtype for k in src)
    meta = json.loads((back / "shard.json").read_text())
    assert meta["windows"] == len(got["input_ids"]) and meta["fraction"] == fraction
    assert (back / "tokenizer_config.json").read_text() == '{"cls_token": "[CLS]"}'


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.sh")))
def test_device_scripts_parse(script):
    # they run once, on a lent box, against a deadline: a syntax error there costs the lease
    r = subprocess.run(["bash", "-n", str(SCRIPTS / script)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
