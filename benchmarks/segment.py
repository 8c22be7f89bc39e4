"""Segmentation benchmark: article-level F1, title and byline accuracy, paragraph breaks.

An article is found when one predicted article holds ≥ 90% of its character 8-grams and is
≥ 90% made of them. Paragraph breaks are compared over found articles, each break named by the
six letters either side of it. The People's Daily truth keeps the web edition's paragraphs,
which split many a printed paragraph, so there recall is low by construction and precision is
the figure to watch; the synthetic pages' paragraphs are exactly the printed ones. Sets: People's Daily theory pages (pdftotext dumps, PyMuPDF dumps, PDFs)
against their truth files, and regional-style pages synthesised from corpus items with
varied column widths, blank lines, byline styles and headline positions.

    python benchmarks/segment.py [--shared ../shared] [--synthetic 40]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

from xinwen.inference.segment import segment_lines, segment_text
from xinwen.inference.sources import read_pages

ns = lambda s: re.sub(r"\s", "", s or "")  # noqa: E731


def grams(s: str, n: int = 8) -> set[str]:
    s = ns(s)
    return {s[i : i + n] for i in range(max(len(s) - n + 1, 1))}


def headline_readings(p: dict) -> set[str]:
    """The title alone, or with its kicker and/or subtitle: the truth files join a headline's
    parts (`实现从配合到融合的转变` + `党建工作应与中心工作有机结合`) without saying which is which."""
    k, t, s = (ns(p.get(x)) for x in ("kicker", "title", "subtitle"))
    return {t, k + t, t + s, k + t + s}


def author_names(byline: str | None) -> str:
    """`汪 涛（武汉大学…）；吴光胜（…）` → `汪涛吴光胜`: the names in order, without affiliations."""
    return re.sub(r"[；;、，,\s]", "", re.sub(r"[（(][^）)]*[）)]", "", byline or ""))


def breaks(text: str, k: int = 6) -> set[str]:
    """Paragraph breaks, each named by the k letters either side of it (whitespace dropped), so
    that two texts' breaks compare without aligning the texts."""
    paras = [ns(x) for x in (text or "").split("\n") if ns(x)]
    flat, out = "", set()
    for a in paras[:-1]:
        flat += a
        out.add(len(flat))
    flat += paras[-1] if paras else ""
    return {flat[max(i - k, 0) : i] + "|" + flat[i : i + k] for i in out}


def match(pred: list[dict], truth: list[dict]) -> tuple[int, ...]:
    """(matched truths, #pred, #truth, titles right among matched, bylines right among matched
    truths that have one, matched truths that have one, paragraph breaks right, predicted, true
    — over matched articles)."""
    found = titles = bylines = signed = 0
    br_hit = br_pred = br_true = 0
    used: set[int] = set()
    for t in truth:
        tg = grams(t["text"])
        for i, p in enumerate(pred):
            if i in used:
                continue
            pg = grams(p["text"])
            inter = len(tg & pg)
            if inter >= 0.9 * len(tg) and inter >= 0.9 * len(pg):
                used.add(i)
                found += 1
                titles += ns(t.get("title")) in headline_readings(p)
                if t.get("byline"):
                    signed += 1
                    bylines += author_names(t["byline"]) == author_names(p.get("byline"))
                tb, pb = breaks(t["text"]), breaks(p["text"])
                br_hit, br_pred, br_true = br_hit + len(tb & pb), br_pred + len(pb), br_true + len(tb)
                break
    return found, len(pred), len(truth), titles, bylines, signed, br_hit, br_pred, br_true


def rmrb(shared: Path) -> dict[str, list[tuple]]:
    d = shared / "pages" / "rmrb-2018-theory-p07"
    res: dict[str, list[tuple]] = {"pdftotext": [], "pymupdf": [], "pdf": []}
    for truth_file in sorted(d.glob("*.truth.json")):
        stem = truth_file.name.split(".")[0]
        truth = []
        for a in json.loads(truth_file.read_text(encoding="utf-8")):
            text = a["text"] + (a.get("tail_from_page") or "" if str(a.get("tail_status", "")).startswith("tail_recovered") else "")
            truth.append({"title": "".join(a.get("title_parts") or [a["title"]]), "text": text, "byline": a.get("byline")})
        for kind in res:
            f = d / (f"{stem}.pdf" if kind == "pdf" else f"{stem}.{kind}.txt")
            if not f.exists():
                continue
            pred = [vars(a) for p in read_pages(str(f))
                    for a in (p.articles if p.articles is not None else segment_lines(p.lines))]
            res[kind].append(match(pred, truth))
    return res


def stories(shared: Path, rng: random.Random, n: int, length: tuple[int, int], max_title: int, rate: float) -> list[dict]:
    """A random sample (rate) of corpus stories with bodies in `length` and a real headline."""
    items = []
    with gzip.open(shared / "data" / "corpus" / "news.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("kind") == "story" and length[0] < len(r["text"]) < length[1]
                    and 6 <= len(r["title"]) <= max_title and rng.random() < rate):
                items.append(r)
            if len(items) >= n:
                break
    return items


def synthetic(shared: Path, n_pages: int, seed: int = 0) -> list[tuple]:
    rng = random.Random(seed)
    items = stories(shared, rng, n_pages * 5, (150, 900), 28, 0.02)
    out = []
    for p in range(n_pages):
        arts = items[p * 5 : p * 5 + rng.randint(3, 5)]
        width = rng.choice([10, 12, 14, 16, 18, 22])
        pos = rng.choice(["before", "after"])
        lines: list[str] = []
        for a in arts:
            paras = [x.strip() for x in a["text"].split("\n") if x.strip()]
            body = [ln for para in paras for ln in (para[i : i + width] for i in range(0, len(para), width))]
            by = "（" + rng.choice(["张伟 李娜", "王 芳", "刘洋", "记者 陈静"]) + "）"
            if rng.random() < 0.5:
                body.append(by)
            else:
                body[-1] += by
            head = [a["title"]]
            lines += head + body if pos == "before" else body + head
        text = ("\n\n" if rng.random() < 0.3 else "\n").join(lines)
        pred = [vars(a) for a in segment_text(text)]
        out.append(match(pred, [{"title": a["title"], "text": a["text"]} for a in arts]))
    return out


def column_lines(para: str, width: int) -> list[str]:
    """A paragraph set in a column: its first line indented two characters (the indent itself
    is lost in text dumps, so the line is just shorter)."""
    first = width - 2
    return [para[:first]] + [para[i : i + width] for i in range(first, len(para), width)]


def scrambled(shared: Path, n_pages: int, seed: int = 1) -> list[tuple]:
    """pdftotext-style dumps synthesised from corpus stories: each article cut into column
    blocks (its own width), a title-and-author block before its first column, an affiliation
    line closing half of them, and runs of blocks from different articles interleaved."""
    rng = random.Random(seed)
    items = stories(shared, rng, n_pages * 4, (700, 2500), 24, 0.01)
    out = []
    for p in range(n_pages):
        arts = items[p * 4 : p * 4 + rng.randint(3, 4)]
        queues = []
        for a in arts:
            width = rng.randint(14, 22)
            lines = [ln for para in a["text"].split("\n") if para.strip() for ln in column_lines(para.strip(), width)]
            if rng.random() < 0.5:
                lines.append("（作者为某大学教授）")
            rows = rng.randint(12, 30)
            blocks = [lines[i : i + rows] for i in range(0, len(lines), rows)]
            blocks[0] = [a["title"], rng.choice(["张怡恬", "刘志明", "欧阳辉", "陈曙光"])] + [""] + blocks[0]
            queues.append(blocks)
        order: list[list[str]] = []
        while any(queues):
            q = rng.choice([q for q in queues if q])
            for _ in range(rng.randint(1, 3)):
                if q:
                    order.append(q.pop(0))
        pred = [vars(a) for a in segment_text("\n\n".join("\n".join(b) for b in order))]
        out.append(match(pred, [{"title": a["title"], "text": a["text"]} for a in arts]))
    return out


def bundled(shared: Path) -> list[tuple]:
    """The real regional page against its gold (body start/end, title): one row."""
    gold = json.loads((shared / "pages" / "hunan-daily-2022-regional-page.gold.json").read_text(encoding="utf-8"))
    text = (shared / "pages" / "hunan-daily-2022-regional-page.txt").read_text(encoding="utf-8")
    pred = [vars(a) for a in segment_text(text)]
    found = titles = 0
    for g in gold["articles"]:
        for p in pred:
            t = ns(p["text"])
            if t.startswith(ns(g["body_start"])) and t.endswith(ns(g["body_end"])):
                found += 1
                titles += ns(p.get("title")) == ns(g.get("title"))
                break
    return [(found, len(pred), len(gold["articles"]), titles)]


def summarise(rows: list[tuple]) -> str:
    f, np_, nt, ti = (sum(x[i] for x in rows) for i in range(4))
    p, r = f / max(np_, 1), f / max(nt, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    out = f"pages {len(rows):3}  articles {nt:4}  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  title acc {ti / max(f, 1):.3f}"
    signed = sum(x[5] for x in rows if len(x) > 5)
    out += f"  byline acc {sum(x[4] for x in rows if len(x) > 5) / signed:.3f}" if signed else ""
    hit, npred, ntrue = (sum(x[i] for x in rows if len(x) > 8) for i in (6, 7, 8))
    return out + (f"  paragraph breaks P {hit / max(npred, 1):.3f} R {hit / ntrue:.3f}" if ntrue else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    ap.add_argument("--synthetic", type=int, default=40)
    a = ap.parse_args()
    shared = Path(a.shared)
    print(f"bundled regional page (gold)  : {summarise(bundled(shared))}")
    print(f"regional-style synthetic pages: {summarise(synthetic(shared, a.synthetic))}")
    n = a.synthetic // 2
    for kind, rows in rmrb(shared).items():
        print(f"People's Daily {kind:10}: {summarise(rows)}")
    print(f"scrambled dumps, tuning seed  : {summarise(scrambled(shared, n, seed=1))}")
    print(f"scrambled dumps, held out     : {summarise(scrambled(shared, n, seed=2) + scrambled(shared, n, seed=3))}")


if __name__ == "__main__":
    main()
