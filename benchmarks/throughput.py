"""Throughput and peak memory of classify and of the whole `run`, per backend, on the same articles.

Each configuration runs in its own subprocess so its peak RSS is its own. Baseline for the
ratios: torch fp32, measured in the same run.

    python benchmarks/throughput.py [--n 1000] [--model DIR]   # DIR: a BERT theme model
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared/data/corpus/news.jsonl.gz"


def articles(n: int, path: Path) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if 600 <= len(r["text"]) <= 1000:
                out.append({"id": r["id"], "title": r["title"], "text": r["text"]})
                if len(out) >= n:
                    break
    return out


def one(config: str, model: str, data: str, tfidf: str) -> dict:
    """Runs inside the subprocess."""
    from xinwen.inference.batch import run_batch
    from xinwen.inference.pipeline import Pipeline

    backend = "onnx" if config.startswith("onnx") else "torch"
    if config.startswith("onnx"):
        meta_p = Path(model) / "xinwen.json"
        meta = json.loads(meta_p.read_text())
        meta["onnx_file"] = "onnx/model.int8.onnx" if config == "onnx-int8" else "onnx/model.onnx"
        meta_p.write_text(json.dumps(meta, indent=1))
    mdir = tfidf if config == "tfidf" else model
    recs = [json.loads(x) for x in Path(data).read_text(encoding="utf-8").splitlines()]
    p = Pipeline(theme_model=mdir, backend=backend, digest=False)
    t0 = time.perf_counter()
    p.annotate([dict(r) for r in recs])
    classify = len(recs) / (time.perf_counter() - t0)
    p = Pipeline(theme_model=mdir, backend=backend)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        run_batch([data], Path(d) / "out.jsonl", p, quiet=True)
        whole = len(recs) / (time.perf_counter() - t0)
    return {"classify": classify, "run": whole, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--model", default=None, help="BERT theme model folder (default: bundled)")
    ap.add_argument("--tfidf", default="runs/tfidf", help="a tfidf theme model folder")
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(*a.one)))
        return
    from xinwen.inference.onnx_backend import export_onnx

    from xinwen.settings import bundled_model

    src = Path(a.model or bundled_model("theme_model"))
    with tempfile.TemporaryDirectory() as d:
        import shutil

        model = Path(d) / "model"
        shutil.copytree(src, model, ignore=shutil.ignore_patterns("onnx"))
        export_onnx(model, quantize="int8")
        data = Path(d) / "articles.jsonl"
        recs = articles(a.n, CORPUS)
        data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
        print(f"{len(recs)} articles, mean {sum(len(r['text']) for r in recs) / len(recs):.0f} chars; model {src}")
        res = {}
        for cfg in ("torch-fp32", "onnx-fp32", "onnx-int8", "tfidf"):
            out = subprocess.run([sys.executable, __file__, "--one", cfg, str(model), str(data), a.tfidf],
                                 capture_output=True, text=True, check=True)
            res[cfg] = json.loads(out.stdout.strip().splitlines()[-1])
        base = res["torch-fp32"]
        print(f"{'config':11} {'classify/s':>11} {'ratio':>6} {'run/s':>8} {'ratio':>6} {'peak RSS':>9}")
        for k, r in res.items():
            print(f"{k:11} {r['classify']:11.1f} {r['classify'] / base['classify']:6.2f} {r['run']:8.1f} "
                  f"{r['run'] / base['run']:6.2f} {r['rss_mb']:7.0f} MB")


if __name__ == "__main__":
    main()
