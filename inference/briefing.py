"""The briefing: one self-contained HTML file (inline CSS and SVG, nothing fetched) an editor can
forward.

Articles are grouped by theme. Each card says where the article ran as a reader would cite it
(paper, date, edition and section, from the page's masthead; the file's name only when the page
printed none; never a filesystem path), then kicker, headline and subtitle, the digest, and
the theme, marked when the model was unsure (`configs/briefing.yaml`). The page language decides
the briefing's: Chinese pages get a Chinese briefing. Every word the briefing prints is in `UI`,
one table per language; theme names come from the theme model's own taxonomy (its `xinwen.json`), else `configs/labels.yaml`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from xinwen.inference.records import ArticleRecord
from xinwen.models.theme_config import ThemeModelConfig

from xinwen.settings import load_config, load_labels

UI: dict[str, dict[str, str]] = {
    "zh": {"title": "新闻简报", "generated": "生成于 {when}", "counts": "{inputs} 个文件 · {pages} 版 · {articles} 篇文章 · {errors} 个错误",
           "covers": "版面：{what}", "chart": "各主题文章数", "digest": "摘要", "untitled": "无标题，以下为摘要",
           "unsure": "低置信", "maybe": "也可能是：{theme}", "errors": "未能处理", "input": "文件", "line": "行",
           "reason": "原因", "page": "第{n}页", "score": "置信度 {s}"},
    "en": {"title": "News briefing", "generated": "generated {when}",
           "counts": "{inputs} files · {pages} pages · {articles} articles · {errors} errors", "covers": "pages: {what}",
           "chart": "articles per theme", "digest": "digest", "untitled": "untitled; the digest stands in",
           "unsure": "low confidence", "maybe": "could also be: {theme}", "errors": "not processed", "input": "file",
           "line": "line", "reason": "reason", "page": "page {n}", "score": "score {s}"},
}
CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f5f1;color:#222}
header{background:#8b1a1a;color:#fff;padding:18px 32px}header h1{margin:0;font-size:26px}header p{margin:4px 0 0;opacity:.9}
main{max-width:1000px;margin:0 auto;padding:8px 32px 32px}
section{margin:22px 0}h2{border-bottom:3px solid #8b1a1a;padding-bottom:4px;font-size:20px}h2 small{color:#777;font-weight:normal;font-size:14px}
.card{background:#fff;border-radius:6px;padding:12px 16px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.where{color:#8b1a1a;font-size:12px;letter-spacing:.5px}.kicker{color:#555;font-size:13px;margin-top:4px}
.card h3{margin:2px 0;font-size:18px}.sub{color:#555;font-size:14px}
.digest{margin:6px 0 2px;font-size:15px}.digest b{color:#8b1a1a;font-weight:normal;margin-right:6px}
.meta{color:#777;font-size:12px;margin-top:6px}.theme{display:inline-block;background:#f3e6e6;color:#8b1a1a;border-radius:3px;padding:0 6px}
.unsure{display:inline-block;background:#fff3cd;color:#7a5b00;border-radius:3px;padding:0 6px;margin-left:6px}
.untitled{color:#999;font-size:12px;font-weight:normal;margin-left:6px}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #ddd;padding:6px;font-size:13px;text-align:left}
.chart text{font-size:13px}
"""
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class BriefingSettings:
    """When a theme call is flagged: the primary theme scored under `theme_below`, or `other` was
    called while some theme scored over `other_above`."""

    theme_below: float = 0.65
    other_above: float = 0.35

    @classmethod
    def load(cls, path: str | Path | None = None) -> BriefingSettings:
        raw = load_config(path, "briefing").get("low_confidence", {})
        unknown = set(raw) - {"theme_below", "other_above"}
        if unknown:
            raise ValueError(f"briefing config: unknown keys {sorted(unknown)} under low_confidence")
        s = cls(**{k: float(v) for k, v in raw.items()})
        if not (0 <= s.other_above <= 1 and 0 <= s.theme_below <= 1):
            raise ValueError("briefing config: low_confidence values are scores between 0 and 1")
        return s


def _esc(value: Any) -> str:
    """Any field as HTML text: records come from users' files, so every value is escaped."""
    return html.escape("" if value is None else str(value))


def _scores(r: ArticleRecord) -> dict[str, float]:
    return {k: max(0.0, min(1.0, v)) for k, v in (r.scores or {}).items()}


def language(records: list[ArticleRecord]) -> str:
    """`zh` when most of the text is Chinese (it nearly always is), else `en`."""
    sample = "".join((r.title or "") + r.text[:200] for r in records[:200])
    letters = sum(c.isalpha() for c in sample)
    return "zh" if letters and len(_CJK.findall(sample)) >= 0.5 * letters else "en"


def _where(r: ArticleRecord, ui: dict[str, str]) -> str:
    """`湖南日报 · 2024-06-04 · A06 城市`: what the page printed; the file's name where it printed
    nothing, never its folder."""
    origin = r.paper or (Path(r.source or r.input or "").name or None)
    edition = " ".join(x for x in (r.edition, r.section) if x)
    page = ui["page"].format(n=r.page) if r.page and not edition else None
    return " · ".join(_esc(x) for x in (origin, r.date, edition or page) if x)


def _confidence(r: ArticleRecord, names: dict[str, str], other: str, cfg: BriefingSettings, ui: dict[str, str]) -> str:
    scores = _scores(r)
    theme = r.theme or other
    if not scores:
        return ""
    best = max(scores, key=scores.get)
    if theme != other and scores.get(theme, 0.0) < cfg.theme_below:
        return f'<span class="unsure">{ui["unsure"]} · {ui["score"].format(s=f"{scores.get(theme, 0.0):.2f}")}</span>'
    if theme == other and scores[best] > cfg.other_above:
        return f'<span class="unsure">{ui["unsure"]} · {_esc(ui["maybe"].format(theme=names.get(best, best)))}</span>'
    return ""


def _card(r: ArticleRecord, names: dict[str, str], other: str, cfg: BriefingSettings, ui: dict[str, str]) -> str:
    title, digest = r.title or "", r.digest or ""
    kicker = f'<div class="kicker">{_esc(r.kicker)}</div>' if r.kicker else ""
    if title:
        head = f"<h3>{_esc(title)}</h3>"
        digest_line = f'<div class="digest"><b>{ui["digest"]}</b>{_esc(digest)}</div>' if digest else ""
    else:  # the digest stands in for the missing headline, once
        head = f'<h3>{_esc(digest)}<span class="untitled">{ui["untitled"]}</span></h3>'
        digest_line = ""
    sub = f'<div class="sub">{_esc(r.subtitle)}</div>' if r.subtitle else ""
    theme = r.theme or other
    meta = [f'<span class="theme">{_esc(names.get(theme, theme))}</span>'
            f'{_confidence(r, names, other, cfg, ui)}']
    if r.byline:
        meta.append(_esc(r.byline))
    return (f'<div class="card"><div class="where">{_where(r, ui)}</div>{kicker}{head}{sub}{digest_line}'
            f'<div class="meta">{" · ".join(meta)}</div></div>')


def _chart(counts: dict[str, int], names: dict[str, str], label: str) -> str:
    top = max([*counts.values(), 1])
    rows = []
    for i, (k, v) in enumerate(counts.items()):
        w, y = 520 * v / top, 8 + i * 26
        rows.append(f'<text x="0" y="{y + 14}">{_esc(names.get(k, k))}</text>'
                    f'<rect x="130" y="{y}" width="{w:.0f}" height="18" fill="#c0504d"/>'
                    f'<text x="{136 + w:.0f}" y="{y + 14}">{v}</text>')
    return (f'<svg class="chart" width="720" height="{26 * len(counts) + 10}" role="img" aria-label="{_esc(label)}">'
            f'{"".join(rows)}</svg>')


def _shown_path(text: Any) -> str:
    """An error's input as its file name: the briefing leaves folders out."""
    return re.sub(r"(?:[^\s:]*/)+([^/\s:]+)", r"\1", "" if text is None else str(text))


def render_briefing(records: list[ArticleRecord], errors: list[dict], counts: Any = None,
                    settings: BriefingSettings | None = None, when: datetime | None = None,
                    taxonomy: ThemeModelConfig | None = None) -> str:
    """The briefing's HTML. `counts` has a run summary's `inputs`, `pages`, `articles`, `errors`;
    `taxonomy` (the theme model's config) names and orders the themes, else `configs/labels.yaml`."""
    if taxonomy is None:
        labels = load_labels()
        classes, other, display = labels.primary_classes, labels.other, dict(labels.zh)
    else:  # the model's own: a model trained on another taxonomy groups and names by it
        classes, other, display = taxonomy.classes, taxonomy.other, dict(taxonomy.display)
    cfg = settings or BriefingSettings.load()
    lang = language(records)
    ui = UI[lang]
    names = {k: display.get(k, k) for k in classes} if lang == "zh" else {k: k for k in classes}
    groups: dict[str, list[ArticleRecord]] = {t: [] for t in classes}
    for r in records:
        groups.setdefault(r.theme or other, []).append(r)
    n = {k: getattr(counts, k, None) for k in ("inputs", "pages", "articles", "errors")}
    n = {k: (len(records) if k == "articles" else len(errors) if k == "errors" else "?") if v is None else v
         for k, v in n.items()}
    covers = sorted({" ".join(x for x in (r.paper, r.date) if x) for r in records} - {""})
    sub = [ui["generated"].format(when=f"{when or datetime.now():%Y-%m-%d %H:%M}"), ui["counts"].format(**n)]
    if covers:
        sub.append(ui["covers"].format(what="、".join(covers[:6]) + ("…" if len(covers) > 6 else "")))
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{ui["title"]}</title>'
             f'<style>{CSS}</style></head><body><header><h1>{ui["title"]}</h1>'
             f'<p>{" · ".join(_esc(x) for x in sub)}</p></header><main>',
             f'<section><h2>{ui["chart"]}</h2>{_chart({k: len(v) for k, v in groups.items()}, names, ui["chart"])}'
             f'</section>']
    for t, recs in groups.items():
        if recs:
            cards = "".join(_card(r, names, other, cfg, ui) for r in recs)
            parts.append(f'<section id="{_esc(t)}"><h2>{_esc(names.get(t, t))} <small>{len(recs)}</small></h2>'
                         f'{cards}</section>')
    if errors:
        rows = "".join(f"<tr><td>{_esc(_shown_path(e.get('input')))}</td><td>{_esc(e.get('line') or '')}</td>"
                       f"<td>{_esc(_shown_path(e.get('reason')))}</td></tr>" for e in errors)
        parts.append(f'<section><h2>{ui["errors"]} <small>{len(errors)}</small></h2><table><tr><th>{ui["input"]}</th>'
                     f'<th>{ui["line"]}</th><th>{ui["reason"]}</th></tr>{rows}</table></section>')
    parts.append("</main></body></html>")
    return "".join(parts)


def write_briefing(records: list[ArticleRecord], errors: list[dict], path: str | Path, counts: Any = None,
                   taxonomy: ThemeModelConfig | None = None) -> None:
    from xinwen.inference.writers import write_text_atomic

    write_text_atomic(path, render_briefing(records, errors, counts, taxonomy=taxonomy))
