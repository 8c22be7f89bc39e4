"""The briefing: one self-contained HTML file (inline CSS and SVG, nothing fetched).

A reader scans it by theme: each article shows its headline (or its digest when the page
printed none), the digest, the theme scores as small bars, and where it came from.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path

from xinwen.settings import load_labels

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f5f1;color:#222}
header{background:#8b1a1a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}header p{margin:4px 0 0;opacity:.85}
main{max-width:1100px;margin:0 auto;padding:16px 32px}
section{margin:22px 0}h2{border-bottom:3px solid #8b1a1a;padding-bottom:4px;font-size:20px}
h2 small{color:#777;font-weight:normal;font-size:14px}
.card{background:#fff;border-radius:6px;padding:12px 16px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card h3{margin:0 0 4px;font-size:17px}.digest{color:#8b1a1a;margin:4px 0}.meta{color:#777;font-size:12px}
.sub{color:#555;font-size:14px}.bars{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}
.bar{font-size:11px;color:#555}.bar span{display:inline-block;height:6px;background:#c0504d;vertical-align:middle;margin-left:3px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #ddd;padding:6px;font-size:13px;text-align:left}
.chart text{font-size:12px}
"""


def _chart(counts: dict[str, int], names: dict[str, str]) -> str:
    items = [(k, v) for k, v in counts.items()]
    top = max([v for _, v in items] + [1])
    h = 26 * len(items) + 10
    rows = []
    for i, (k, v) in enumerate(items):
        w = 560 * v / top
        y = 8 + i * 26
        rows.append(f'<text x="0" y="{y + 14}">{html.escape(names.get(k, k))}</text>'
                    f'<rect x="150" y="{y}" width="{w:.0f}" height="18" fill="#c0504d"/>'
                    f'<text x="{156 + w:.0f}" y="{y + 14}">{v}</text>')
    return f'<svg class="chart" width="760" height="{h}" role="img" aria-label="theme counts">{"".join(rows)}</svg>'


def _esc(value) -> str:
    """Any field as HTML text: records come from users' files, so every value is escaped."""
    return html.escape("" if value is None else str(value))


def _score(scores: dict, t: str) -> float:
    try:
        return max(0.0, min(1.0, float(scores.get(t, 0))))
    except (TypeError, ValueError):
        return 0.0


def _card(r: dict, themes: tuple[str, ...]) -> str:
    title = r.get("title") or ""
    head = _esc(title) if title else f'<i>(无标题)</i> {_esc(r.get("digest"))}'
    sub = f'<div class="sub">{_esc(r["subtitle"])}</div>' if r.get("subtitle") else ""
    scores = r.get("scores") or {}
    if isinstance(scores, str):
        try:
            scores = json.loads(scores or "{}")
        except json.JSONDecodeError:
            scores = {}
    if not isinstance(scores, dict):
        scores = {}
    bars = "".join(f'<div class="bar">{_esc(t)}<span style="width:{60 * _score(scores, t):.0f}px"></span>'
                   f' {_score(scores, t):.2f}</div>' for t in themes)
    src = f'{_esc(r.get("source"))} · 第{_esc(r.get("page"))}页' if r.get("page") else _esc(r.get("source"))
    by = f' · {_esc(r["byline"])}' if r.get("byline") else ""
    return (f'<div class="card"><h3>{head}</h3>{sub}<div class="digest">摘要：{_esc(r.get("digest"))}</div>'
            f'<div class="meta">{src}{by}</div><div class="bars">{bars}</div></div>')


def render_briefing(records: list[dict], errors: list[dict], summary: str = "") -> str:
    labels = load_labels()
    names = {k: f"{v} {k}" for k, v in labels.zh.items()}
    groups: dict[str, list[dict]] = {t: [] for t in labels.primary_classes}
    for r in records:
        groups.setdefault(str(r.get("theme") or labels.other), []).append(r)
    counts = {k: len(v) for k, v in groups.items()}
    parts = [f"<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>xinwen briefing</title>"
             f"<style>{CSS}</style></head><body><header><h1>新闻简报 · xinwen briefing</h1>"
             f"<p>{datetime.now():%Y-%m-%d %H:%M} · {len(records)} articles · {html.escape(summary)}</p></header><main>",
             f"<section><h2>主题分布 <small>articles per theme</small></h2>{_chart(counts, names)}</section>"]
    for t, recs in groups.items():
        if recs:
            cards = "".join(_card(r, labels.themes) for r in recs)
            parts.append(f'<section id="{_esc(t)}"><h2>{_esc(names.get(t, t))} <small>{len(recs)}</small></h2>{cards}</section>')
    if errors:
        rows = "".join(f"<tr><td>{_esc(e.get('input'))}</td><td>{_esc(e.get('line') or '')}</td>"
                       f"<td>{_esc(e.get('reason'))}</td></tr>" for e in errors)
        parts.append(f"<section><h2>错误 <small>{len(errors)} inputs or records skipped</small></h2>"
                     f"<table><tr><th>input</th><th>line</th><th>reason</th></tr>{rows}</table></section>")
    parts.append("</main></body></html>")
    return "".join(parts)


def write_briefing(records: list[dict], errors: list[dict], path: str | Path, summary: str = "") -> None:
    from xinwen.inference.writers import write_text_atomic

    write_text_atomic(path, render_briefing(records, errors, summary))
