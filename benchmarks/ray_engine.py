"""The Ray engine's overhead against the local engine, on the same cores and the same inputs,
and what that says about the cluster for 300k articles an hour.

Both engines run the shipped models over `--pages` copies of the bundled page (7 articles each)
in one process, each into its own OUT; the outputs are checked to be byte-identical. The local
engine is one process; Ray runs `--workers` actors on a local Ray of that many CPUs (its start-up
is timed apart from the run). Ratios are Ray / local wall time in this run.

    python benchmarks/ray_engine.py [--pages 24] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from report_lines import ReportLines

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"
TARGET = 300_000  # articles an hour, the monitoring team


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=None, help="also write the report here")
    a = ap.parse_args()
    import ray
    from xinwen.inference.batch import run_batch
    from xinwen.inference.pipeline import Pipeline
    from xinwen.inference.ray_engine import RayEngine

    rep = ReportLines()
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        (d / "in").mkdir()
        for i in range(a.pages):
            shutil.copy(PAGE, d / "in" / f"p{i:03d}.txt")
        t = time.perf_counter()
        pipeline = Pipeline()
        local_load = time.perf_counter() - t
        t = time.perf_counter()
        s_local = run_batch([str(d / "in")], d / "local.jsonl", pipeline, quiet=True)
        local = time.perf_counter() - t
        t = time.perf_counter()
        ray.init(num_cpus=a.workers, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - t
        t = time.perf_counter()
        s_ray = run_batch([str(d / "in")], d / "ray.jsonl", None, quiet=True, engine=RayEngine({}, workers=a.workers))
        ray_run = time.perf_counter() - t
        same = (d / "local.jsonl").read_bytes() == (d / "ray.jsonl").read_bytes()
        ray.shutdown()
    n = s_local.articles
    rep(f"{a.pages} pages, {n} articles; local engine: one process; Ray: {a.workers} actors on a local Ray of "
        f"{a.workers} CPUs (this machine: 2 cores)")
    rep(f"local engine   {local:7.1f} s  {n / local:6.1f} articles/s   (+{local_load:.1f} s loading the models once)")
    rep(f"ray engine     {ray_run:7.1f} s  {n / ray_run:6.1f} articles/s   (+{ray_start:.1f} s starting Ray; "
        "actors load their models inside the run)")
    rep(f"ratio ray/local wall time: {ray_run / local:.2f}   outputs byte-identical: {same}   "
        f"articles {s_local.articles} / {s_ray.articles}")
    per_worker = n / ray_run / a.workers
    need = TARGET / 3600 / per_worker
    rep(f"estimate: {TARGET:,} articles an hour = {TARGET / 3600:.0f} articles/s; at {per_worker:.1f} articles/s per "
        f"1-CPU actor in this short run (actor start-up included), about {need:.0f} actors (CPU cores), "
        f"e.g. {int(need // 16) + 1} machine(s) of 16 cores, plus the driver writing OUT")

    rep.save(Path(a.out) if a.out else None)

if __name__ == "__main__":
    main()
