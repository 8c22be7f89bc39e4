"""Peak memory of `xinwen segment` on one PDF of N pages, for two N, in fresh processes.

Both readers read a PDF one page at a time (`--segmenter auto` runs both on every page), so
peak RSS should barely move with N: the ratio printed is peak(large) / peak(small), measured in
the same run. The pages are small two-story pages set here (reportlab), so the run is about
pages, not about text.

    python benchmarks/memory_pages.py [--small 50] [--large 500] [--segmenter auto]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STORIES = [("县交警大队开展一盔一带整治", "交警大队在集市路口开展一盔一带宣传劝导，对未戴安全头盔的驾驶人进行教育。" * 4),
           ("市人社局举办春季招聘会", "两百余家企业提供岗位五千多个，吸引求职者三千余人到场，达成就业意向一千二百余人。" * 3)]


def write_pdf(path: Path, pages: int) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    for n in range(pages):
        for k, (title, body) in enumerate(STORIES):
            x = 40 + k * 270
            c.setFont("STSong-Light", 18)
            c.drawString(x, h - 80, f"{title}（{n + 1}）")
            c.setFont("STSong-Light", 10)
            for i in range(0, len(body), 22):
                c.drawString(x, h - 120 - 14 * (i // 22), body[i : i + 22])
        c.showPage()
    c.save()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--small", type=int, default=50)
    ap.add_argument("--large", type=int, default=500)
    ap.add_argument("--segmenter", default="auto")
    args = ap.parse_args()
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.small, args.large):
            pdf = Path(tmp) / f"p{n}.pdf"
            write_pdf(pdf, n)
            # each run in a process of its own that reports its child's peak (ru_maxrss of children
            # is a running maximum, so one parent cannot measure two runs)
            code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL,"
                    "stderr=subprocess.DEVNULL);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            t = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "xinwen", "segment", str(pdf),
                                  "-o", str(Path(tmp) / f"o{n}.jsonl"), "--segmenter", args.segmenter],
                                 check=True, capture_output=True, text=True).stdout
            res[n] = (int(out.strip().splitlines()[-1]) / 1024, time.perf_counter() - t)
            lines = sum(1 for _ in open(Path(tmp) / f"o{n}.jsonl", encoding="utf-8"))
            print(f"{n:5d} pages: {lines:5d} articles, peak RSS {res[n][0]:7.0f} MB, {res[n][1]:6.1f} s", flush=True)
    print(f"ratio peak({args.large}) / peak({args.small}) = {res[args.large][0] / res[args.small][0]:.2f}")


if __name__ == "__main__":
    main()
