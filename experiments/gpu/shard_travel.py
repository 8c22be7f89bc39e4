"""Pack a pretokenized shard small enough to travel to a lent GPU box, and unpack it there.

The shard's int16 token ids hold ~6 bits a token and xz gets little more out of them, but its
per-token word-start flags shrink eight-fold as bits. `--fraction` keeps a random share of the
training windows (all held-out windows stay) when the box's upload limit is tighter still.

    python experiments/gpu/shard_travel.py pack runs/shard .carry/shard.xw --fraction 1.0
    (device) python experiments/gpu/shard_travel.py unpack .carry/shard.xw /tmp/shard
"""

from __future__ import annotations

import argparse
import json
import lzma
import shutil
import struct
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

KEYS = ("input_ids", "word_starts", "eval_input_ids", "eval_word_starts")


def pack(shard: Path, dest: Path, fraction: float, seed: int) -> None:
    d = load_file(str(shard / "windows.safetensors"))
    n = len(d["input_ids"])
    keep = np.sort(np.random.default_rng(seed).permutation(n)[: int(round(n * fraction))])
    parts = {"input_ids": d["input_ids"][keep], "word_starts": d["word_starts"][keep],
             "eval_input_ids": d["eval_input_ids"], "eval_word_starts": d["eval_word_starts"]}
    meta = json.loads((shard / "shard.json").read_text())
    meta.update(windows=len(keep), fraction=round(meta.get("fraction", 1.0) * fraction, 4))
    header = {"shard": meta, "shapes": {k: list(v.shape) for k, v in parts.items()},
              "files": {f.name: f.read_text() for f in shard.iterdir() if f.suffix == ".json" and f.name != "shard.json"}}
    with lzma.open(dest, "wb", preset=6) as out:
        h = json.dumps(header, ensure_ascii=False).encode()
        out.write(struct.pack("<I", len(h)) + h)
        for k in KEYS:
            v = parts[k]
            out.write(np.packbits(v.astype(bool)).tobytes() if "word_starts" in k else v.astype("<i2").tobytes())
    print(dest, f"{dest.stat().st_size / 1e6:.1f} MB", len(keep), "windows")


def unpack(src: Path, shard: Path) -> None:
    with lzma.open(src, "rb") as f:
        (size,) = struct.unpack("<I", f.read(4))
        header = json.loads(f.read(size))
        arrays = {}
        for k in KEYS:
            shape = header["shapes"][k]
            count = int(np.prod(shape))
            if "word_starts" in k:
                bits = np.frombuffer(f.read((count + 7) // 8), dtype=np.uint8)
                arrays[k] = np.unpackbits(bits)[:count].reshape(shape).astype(np.uint8)
            else:
                arrays[k] = np.frombuffer(f.read(count * 2), dtype="<i2").reshape(shape).astype(np.int16)
    if shard.exists():
        shutil.rmtree(shard)
    shard.mkdir(parents=True)
    save_file(arrays, str(shard / "windows.safetensors"))
    (shard / "shard.json").write_text(json.dumps(header["shard"], indent=1, ensure_ascii=False))
    for name, text in header["files"].items():
        (shard / name).write_text(text)
    print(shard, {k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("shard", type=Path)
    p.add_argument("dest", type=Path)
    p.add_argument("--fraction", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=13)
    u = sub.add_parser("unpack")
    u.add_argument("src", type=Path)
    u.add_argument("shard", type=Path)
    a = ap.parse_args()
    pack(a.shard, a.dest, a.fraction, a.seed) if a.cmd == "pack" else unpack(a.src, a.shard)
