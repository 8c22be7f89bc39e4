"""Start-up, throughput and peak memory of classify and of the whole `run`, per backend, on the
same articles.

Each configuration runs in its own subprocess, so its start-up (imports, loading the models,
the first article) and its peak RSS are its own. Baseline for the ratios: torch fp32, measured
in the same run. The `tfidf` row is the BERT model's own TF-IDF half alone unless `--tfidf` names
a TF-IDF model folder (its thresholds are the blend's: a throughput figure only).

    python benchmarks/throughput.py [--n 1000] [--model DIR] [--tfidf DIR]   # DIR: a BERT theme model
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import shutil
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
    t_start = time.perf_counter()
    from xinwen.inference.batch import run_batch
    from xinwen.inference.pipeline import Pipeline
    from xinwen.inference.records import ArticleRecord
    from xinwen.models.theme_config import ThemeModelConfig

    backend = "onnx" if config.startswith("onnx") else "torch"
    if config.startswith("onnx"):
        cfg = ThemeModelConfig.from_dir(model)
        cfg.onnx_file = "onnx/model.int8.onnx" if config == "onnx-int8" else "onnx/model.onnx"
        cfg.to_dir(model)
    mdir = tfidf if config == "tfidf" else model
    rows = [json.loads(x) for x in Path(data).read_text(encoding="utf-8").splitlines()]

    def recs() -> list[ArticleRecord]:  # fresh records each time: annotate fills them in
        return [ArticleRecord.from_fields(r) for r in rows]

    Pipeline(theme_model=mdir, backend=backend).annotate(recs()[:1])  # what one small job waits for
    start = time.perf_counter() - t_start
    p = Pipeline(theme_model=mdir, backend=backend, digest=False)
    batch = recs()
    t0 = time.perf_counter()
    p.annotate(batch)
    classify = len(rows) / (time.perf_counter() - t0)
    p = Pipeline(theme_model=mdir, backend=backend)
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        run_batch([data], Path(d) / "out.jsonl", p, quiet=True)
        whole = len(rows) / (time.perf_counter() - t0)
    return {"start": start, "classify": classify, "run": whole, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def tfidf_half(model: Path, out: Path) -> Path:
    """A TF-IDF-only model folder from a blended model's own TF-IDF half."""
    out.mkdir(parents=True)
    for f in ("tfidf_vocab.json", "tfidf.safetensors"):
        shutil.copy(model / f, out / f)
    from xinwen.models.theme_config import ThemeModelConfig

    cfg = ThemeModelConfig.from_dir(model)
    cfg.architecture, cfg.tfidf_weight, cfg.onnx_file = "tfidf", 1.0, None
    cfg.to_dir(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--model", default=None, help="BERT theme model folder (default: bundled)")
    ap.add_argument("--tfidf", default=None, help="a tfidf theme model folder (default: the model's TF-IDF half)")
    ap.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(*a.one)))
        return
    from xinwen.models.onnx_graph import export_onnx

    from xinwen.settings import bundled_model

    src = Path(a.model or bundled_model("theme_model"))
    with tempfile.TemporaryDirectory() as d:
        model = Path(d) / "model"
        shutil.copytree(src, model, ignore=shutil.ignore_patterns("onnx"))
        export_onnx(model, quantize="int8")
        tfidf = a.tfidf or str(tfidf_half(model, Path(d) / "tfidf"))
        data = Path(d) / "articles.jsonl"
        recs = articles(a.n, CORPUS)
        data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
        print(f"{len(recs)} articles, mean {sum(len(r['text']) for r in recs) / len(recs):.0f} chars; model {src}")
        res = {}
        for cfg in ("torch-fp32", "onnx-fp32", "onnx-int8", "tfidf"):
            out = subprocess.run([sys.executable, __file__, "--one", cfg, str(model), str(data), tfidf],
                                 capture_output=True, text=True, check=True)
            res[cfg] = json.loads(out.stdout.strip().splitlines()[-1])
        base = res["torch-fp32"]
        print(f"{'config':11} {'start s':>8} {'ratio':>6} {'classify/s':>11} {'ratio':>6} {'run/s':>8} {'ratio':>6} "
              f"{'peak RSS':>9}")
        for k, r in res.items():
            print(f"{k:11} {r['start']:8.2f} {r['start'] / base['start']:6.2f} {r['classify']:11.1f} "
                  f"{r['classify'] / base['classify']:6.2f} {r['run']:8.1f} {r['run'] / base['run']:6.2f} "
                  f"{r['rss_mb']:7.0f} MB")


if __name__ == "__main__":
    main()
