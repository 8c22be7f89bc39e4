"""Peak memory of `xinwen run` on one record file of N articles, for two N, in fresh processes.

Records stream through `run` in chunks (`group_size`), so peak RSS should barely move with N:
the ratio printed is peak(large) / peak(small), measured in the same run.

    python benchmarks/memory_records.py [--small 1000] [--large 10000] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        items = []
        with gzip.open(args.shared / "data" / "corpus" / "news.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                items.append({"id": r["id"], "title": r["title"], "text": r["text"][:1500]})
                if len(items) >= args.large:
                    break
        res = {}
        # each run in a process of its own that reports its child's peak (ru_maxrss of children is
        # a running maximum, so one parent cannot measure two runs)
        for n in (args.small, args.large):
            f = Path(tmp) / f"r{n}.jsonl"
            f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in items[:n]) + "\n", encoding="utf-8")
            code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL,"
                    "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "xinwen", "run", str(f), "-o",
                                  str(Path(tmp) / f"o{n}.jsonl"), "--method", "lead"],
                                 check=True, capture_output=True, text=True).stdout
            res[n] = (int(out.strip().splitlines()[-1]) / 1024, time.perf_counter() - t)
            print(f"{n:6d} records: peak RSS {res[n][0]:7.0f} MB, {res[n][1]:6.1f} s", flush=True)
        print(f"ratio peak({args.large}) / peak({args.small}) = {res[args.large][0] / res[args.small][0]:.2f}")


if __name__ == "__main__":
    main()
