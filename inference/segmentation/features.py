"""What the layout reader knows of each line: one feature vector per line, two feature sets.

Text features (wording, length, punctuation, the old cascade's line tests such as
`is_byline_line` or `headline_like`) exist for every line. Geometry features (size against
the body size, position, gaps to the lines and rules above and below, pictures above)
exist only where the page came as a PDF or scan; a dump instead has its order, blank lines
and line lengths against the page's usual line. Each line also sees its neighbours' main
features: in a dump the lines before and after; on a PDF page the nearest lines above and
below in the same column. Rules survive here as features only; what they mean is learned.
"""

from __future__ import annotations

import re
import statistics

import numpy as np
from xinwen.inference.lines import (
    AFFILIATION,
    CREDIT,
    Line,
    headline_like,
    is_byline_line,
    is_dash_line,
    is_furniture,
    is_person_name,
)
from xinwen.inference.segmentation.layout import ROLES, PageLayout, PageLine, Rule, overlap

_DATELINE = re.compile(r"^(?:本报讯|新华社\S{2,12}电|中新社\S{2,12}电|本报\S{2,8}\d{1,2}月\d{1,2}日电|据\S{2,20}报道|【\S{2,20}】)")
_BENBAOXUN = re.compile(r"^本报讯[（(]")
_NOTICE = re.compile(r"公告|法院|声明|电话|热线|地址|有限公司|注销|遗失|拍卖|仲裁|招聘|送达|特此|作废|联系人|微信")
_JUMP = re.compile(r"^[（(]?(?:下)?转第?\s*\S{1,3}\s*版[）)]?$|^[（(]?(?:上)?接第?\s*\S{1,3}\s*版[）)]?$")
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_SENT_END = "。！？!?…”"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WS = re.compile(r"\s")

TEXT_NAMES = [
    "chars", "spaces", "digits", "latin", "cjk", "ends_sentence", "ends_comma", "commas", "stops", "has_colon",
    "dash_start", "paren_start", "paren_end", "quote_start", "byline_line", "benbaoxun", "dateline", "credit",
    "affiliation", "furniture", "notice_words", "person_name", "headline_like", "jump", "date", "space_ratio",
]
# the features a line's neighbours contribute
CONTEXT = ["chars", "ends_sentence", "headline_like", "byline_line", "notice_words", "credit", "furniture"]
GEOM_NAMES = [
    "size", "log_size", "width", "fill", "vertical", "x0", "x1", "y0", "cx", "gap_above", "gap_below",
    "size_above", "size_below", "indent_above", "same_size_near", "rule_above", "rule_below", "image_above",
    "image_below", "vrule_left", "vrule_right", "centered", "row_peers", "height", "continuity",
]
DUMP_NAMES = ["rel_len", "blank_before", "blank_after", "position", "full_line", "cascade_head_start",
              "cascade_body_start", "cascade_after", "continuity"]


def text_features(s: str) -> list[float]:
    t = re.sub(r"\s", "", s)
    n = len(t)
    return [
        n, len(s.strip()) - n if s.strip() else 0, sum(c.isdigit() for c in t), sum(c.isascii() and c.isalpha() for c in t),
        len(_CJK.findall(t)), float(bool(t) and t[-1] in _SENT_END), float(bool(t) and t[-1] in "，、；："),
        t.count("，"), t.count("。"), float("：" in t or ":" in t), float(is_dash_line(t)), float(t.startswith(("（", "("))),
        float(t.endswith(("）", ")"))), float(t.startswith(("“", "「"))), float(is_byline_line(s)),
        float(bool(_BENBAOXUN.match(t))), float(bool(_DATELINE.match(t))), float(bool(CREDIT.match(t)) or t.endswith("摄")),
        float(bool(AFFILIATION.match(t))), float(is_furniture(s)), len(_NOTICE.findall(t)), float(is_person_name(s)),
        float(headline_like(Line(s))), float(bool(_JUMP.match(t))), float(bool(_DATE.search(t))),
        (len(s.strip()) - n) / max(n, 1) if s.strip() else 0.0,
    ]


def _bigrams(texts: list[str]) -> set[str]:
    t = _WS.sub("", "".join(texts))
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _jaccard(a: set[str], b: set[str]) -> float:
    """Shared character bigrams over all of them; -1 where either side has none."""
    return len(a & b) / len(a | b) if a and b else -1.0


def _offset(n: int, off: int) -> list[int | None]:
    """Each dump line's neighbour `off` lines away (None past either end)."""
    return [i + off if 0 <= i + off < n else None for i in range(n)]


def continuity(lines: list[PageLine], up: list[int | None], down: list[int | None], k: int = 3) -> list[float]:
    """How much the text above a line shares with the text below it (character-bigram Jaccard of
    the k lines either side in its column): high under a subhead inside one article, low between
    two articles, whatever the layout."""
    out = []
    for i in range(len(lines)):
        a, j = [], up[i]
        while j is not None and len(a) < k:
            a.append(lines[j].text)
            j = up[j]
        b, j = [], down[i]
        while j is not None and len(b) < k:
            b.append(lines[j].text)
            j = down[j]
        out.append(_jaccard(_bigrams(a), _bigrams(b)))
    return out


def _context(rows: list[list[float]], nbr: list[int | None]) -> list[list[float]]:
    idx = [TEXT_NAMES.index(c) for c in CONTEXT]
    miss = [-1.0] * len(idx)
    return [[rows[j][k] for k in idx] if j is not None else miss for j in nbr]


def dump_features(page: PageLayout) -> tuple[np.ndarray, list[str]]:
    """Features of a text dump's lines, in order."""
    lines = page.lines
    rows = [text_features(ln.text) for ln in lines]
    lens = [r[0] for r in rows if r[0] >= 4]
    usual = statistics.median(sorted(lens)[len(lens) // 4:]) if lens else 10.0
    feats = []
    n = len(lines)
    casc = cascade_features(lines)
    cont = continuity(lines, [i - 1 if i else None for i in range(n)], [i + 1 if i + 1 < n else None for i in range(n)])
    for i, (ln, r) in enumerate(zip(lines, rows)):
        after = lines[i + 1].blank_before if i + 1 < n else True
        feats.append(r + [r[0] / max(usual, 1), float(ln.blank_before), float(after), i / max(n, 1),
                          float(abs(r[0] - usual) <= 1)] + casc[i] + [cont[i]])
    ctx = []
    for off in (-2, -1, 1, 2):
        ctx.append(_context(rows, _offset(n, off)))
    x = [f + sum((c[i] for c in ctx), []) for i, f in enumerate(feats)]
    names = TEXT_NAMES + DUMP_NAMES + [f"{c}@{o}" for o in (-2, -1, 1, 2) for c in CONTEXT]
    return np.asarray(x, np.float64).reshape(len(lines), len(names)), names


_cascade_cache: dict[tuple[str, ...], tuple[list, bool] | None] = {}


def cascade_reading(lines: list[PageLine]) -> tuple[list, bool] | None:
    """The rule cascade of earlier releases (`inference/segment.py`) on a dump: its articles and
    whether it read the page as printing headlines after their bodies; None where it fails. One
    entry is cached, since the features and the reader's candidate decodings both ask for it;
    callers copy the articles before changing them."""
    from xinwen.inference.segment import detect_order, prepare, segment_ordered

    key = tuple(ln.text for ln in lines)
    if key not in _cascade_cache:
        raw = [Line(t) for t in key]
        try:
            arts = segment_ordered(raw, "auto")
            after = detect_order(prepare([Line(x.text.strip()) for x in raw if x.text.strip()])) == "after"
            value = (arts, after)
        except Exception:  # a feature source, never a reason to fail a page
            value = None
        _cascade_cache.clear()
        _cascade_cache[key] = value
    return _cascade_cache[key]


def cascade_features(lines: list[PageLine]) -> list[list[float]]:
    """What the cascade makes of a dump, per line: does an article's headline start here, does its
    body start here, and did it read the page as headlines-after. The reader learns how far to
    trust it."""
    if not lines:
        return []
    reading = cascade_reading(lines)
    if reading is None:
        return [[0.0, 0.0, 0.0] for _ in lines]
    arts, after = reading
    after = float(after)
    heads = {_WS.sub("", next((p for p in (a.kicker, a.title, a.subtitle) if p), ""))[:6] for a in arts} - {""}
    bodies = {_WS.sub("", a.text)[:6] for a in arts if a.text} - {""}
    out = []
    for ln in lines:
        t = _WS.sub("", ln.text)[:6]
        out.append([float(len(t) >= 2 and any(h.startswith(t) or t.startswith(h) for h in heads)),
                    float(len(t) >= 2 and any(b.startswith(t) or t.startswith(b) for b in bodies)), after])
    return out


def body_size(lines: list[PageLine]) -> float:
    """The size most text is set in."""
    weight: dict[float, int] = {}
    for ln in lines:
        if not ln.vertical:
            k = round(ln.size * 2) / 2
            weight[k] = weight.get(k, 0) + len(ln.text)
    return max(weight, key=weight.get) if weight else 10.0


def _measures(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each line's measure: its own extent, widened to that of the nearest line of its size (within
    ten lines up or down) that starts where it starts or ends where it ends and is wider. A
    paragraph's short last line (`长远`) and the next one's indented first line do not overlap, but
    both share their column's measure."""
    same = np.abs(size[:, None] - size[None, :]) < 0.3
    tol = 0.3 * size[:, None]
    aligned = same & ((np.abs(x0[:, None] - x0[None, :]) < tol) | (np.abs(x1[:, None] - x1[None, :]) < tol))
    aligned &= (x1 - x0)[None, :] > (x1 - x0)[:, None]
    dist = np.abs(y0[None, :] - y0[:, None])
    dist = np.where(aligned & (dist < 15 * size[:, None]), dist, np.inf)
    k = dist.argmin(axis=1)
    has = np.isfinite(dist[np.arange(len(x0)), k])
    return np.where(has, np.minimum(x0, x0[k]), x0), np.where(has, np.maximum(x1, x1[k]), x1)


def neighbours(lines: list[PageLine]) -> tuple[list[int | None], list[int | None]]:
    """For each line, the nearest line above and below whose measure (`_measures`) shares at
    least half the narrower one's: the line before and after it in its column."""
    n = len(lines)
    if not n:
        return [], []
    x0 = np.array([ln.x0 for ln in lines])
    x1 = np.array([ln.x1 for ln in lines])
    y0 = np.array([ln.y0 for ln in lines])
    y1 = np.array([ln.y1 for ln in lines])
    m0, m1 = _measures(x0, y0, x1, np.array([ln.size for ln in lines]))
    ov = np.clip(np.minimum(m1[:, None], m1[None, :]) - np.maximum(m0[:, None], m0[None, :]), 0, None)
    narrow = np.minimum((m1 - m0)[:, None], (m1 - m0)[None, :])
    share = ov >= 0.5 * np.maximum(narrow, 1e-6)
    np.fill_diagonal(share, False)
    dy = y0[None, :] - y1[:, None]  # [i, j]: j's top below i's bottom
    below = np.where(share & (dy > -0.3 * (y1 - y0)[:, None]) & (y0[None, :] > y0[:, None]), dy, np.inf)
    above = np.where(share & (y0[None, :] < y0[:, None]) & (y1[None, :] - 0.3 * (y1 - y0)[None, :] < y0[:, None]),
                     y0[:, None] - y1[None, :], np.inf)
    b = below.argmin(axis=1)
    a = above.argmin(axis=1)
    up = [int(a[i]) if np.isfinite(above[i, a[i]]) else None for i in range(n)]
    down = [int(b[i]) if np.isfinite(below[i, b[i]]) else None for i in range(n)]
    return up, down


def _rule_dist(ln: PageLine, rules: list[Rule], above: bool, image: bool, s: float) -> float:
    best = 99.0
    for r in rules:
        if r.image != image or (not image and not r.horizontal):
            continue
        if overlap(ln.x0, ln.x1, r.x0, r.x1) < 0.3 * max(ln.width, 1):
            continue
        d = (ln.y0 - r.y1) if above else (r.y0 - ln.y1)
        if -0.2 * s <= d < best * s:
            best = d / s
    return best


def _vrule(ln: PageLine, rules: list[Rule], left: bool, s: float) -> float:
    best = 99.0
    for r in rules:
        if r.image or r.horizontal or overlap(ln.y0, ln.y1, r.y0, r.y1) <= 0:
            continue
        d = (ln.x0 - r.x1) if left else (r.x0 - ln.x1)
        if -0.2 * s <= d < best * s:
            best = d / s
    return best


def geometry_features(page: PageLayout) -> tuple[np.ndarray, list[str], float, list, list]:
    """Features of a PDF or scanned page's lines; also the body size and column neighbours."""
    lines = page.lines
    s = body_size(lines)
    up, down = neighbours(lines)
    body_w = [ln.width for ln in lines if abs(ln.size - s) < 0.6 and not ln.vertical and len(ln.text) >= 6]
    col = statistics.median(sorted(body_w)[len(body_w) // 2:]) if body_w else 10 * s
    rows = [text_features(ln.text) for ln in lines]
    ys = np.array([ln.cy for ln in lines]) if lines else np.zeros(0)
    sizes = np.array([ln.size for ln in lines]) if lines else np.zeros(0)
    cont = continuity(lines, up, down)
    feats = []
    for i, ln in enumerate(lines):
        a = lines[up[i]] if up[i] is not None else None
        b = lines[down[i]] if down[i] is not None else None
        near = np.abs(ys - ln.cy) < 6 * s
        same = int(np.sum(near & (np.abs(sizes - ln.size) < 0.3))) - 1
        peers = int(np.sum((np.abs(ys - ln.cy) < 0.3 * ln.size) & (np.abs(sizes - ln.size) < 0.3))) - 1
        ctr = abs(ln.cx - a.cx) / s if a is not None else 99.0
        feats.append(rows[i] + [
            ln.size / s, float(np.log(ln.size / s)), ln.width / s, ln.width / max(col, 1), float(ln.vertical),
            ln.x0 / page.width, ln.x1 / page.width, ln.y0 / page.height, ln.cx / page.width,
            (ln.y0 - a.y1) / s if a is not None else 99.0, (b.y0 - ln.y1) / s if b is not None else 99.0,
            a.size / s if a is not None else 0.0, b.size / s if b is not None else 0.0,
            (ln.x0 - a.x0) / s if a is not None else 0.0, same,
            _rule_dist(ln, page.rules, True, False, s), _rule_dist(ln, page.rules, False, False, s),
            _rule_dist(ln, page.rules, True, True, s), _rule_dist(ln, page.rules, False, True, s),
            _vrule(ln, page.rules, True, s), _vrule(ln, page.rules, False, s), ctr, peers, ln.height / s, cont[i],
        ])
    ctx = [_context(rows, up), _context(rows, down)]
    x = [f + ctx[0][i] + ctx[1][i] for i, f in enumerate(feats)]
    names = TEXT_NAMES + GEOM_NAMES + [f"{c}@up" for c in CONTEXT] + [f"{c}@down" for c in CONTEXT]
    return np.asarray(x, np.float64).reshape(len(lines), len(names)), names, s, up, down


_GROUPS = {"head": ("kicker", "title", "subtitle"), "body": ("body", "subhead", "dateline"), "byline": ("byline",),
           "aside": ("caption", "credit", "notice", "furniture")}


def start_features(x: np.ndarray, role_proba: np.ndarray, classes: list[str]) -> tuple[np.ndarray, list[str]]:
    """A dump line's features for "does an article open here", stacked on the role model's
    probabilities for it and the two lines either side, and on where the page's first headline
    and first body line fall (a page printing headlines after their bodies starts on a body)."""
    n = len(x)
    g = np.zeros((n, len(_GROUPS)))
    for k, members in enumerate(_GROUPS.values()):
        cols = [classes.index(c) for c in members if c in classes]
        g[:, k] = role_proba[:, cols].sum(axis=1) if cols else 0.0
    ctx = []
    for off in (-2, -1, 0, 1, 2):
        sh = np.full_like(g, -1.0)
        if off < 0:
            sh[-off:] = g[:off]
        elif off > 0:
            sh[:-off] = g[off:]
        else:
            sh = g
        ctx.append(sh)
    first_head = next((i for i in range(n) if g[i, 0] > 0.5), n) / max(n, 1)
    first_body = next((i for i in range(n) if g[i, 1] > 0.5), n) / max(n, 1)
    page = np.tile([first_head, first_body, float(first_body < first_head)], (n, 1))
    names = [f"{k}@{o}" for o in (-2, -1, 0, 1, 2) for k in _GROUPS] + ["first_head", "first_body", "body_first"]
    return np.hstack([x] + ctx + [page]), names


def role_probabilities(proba: np.ndarray, classes: list[str]) -> np.ndarray:
    """A role model's probabilities (`proba`, columns in its `classes` order) in `ROLES` order (a
    model fitted on part of the pages may lack a rare role: its column stays 0), so stacked
    features keep one layout."""
    out = np.zeros((len(proba), len(ROLES)))
    for k, c in enumerate(classes):
        out[:, ROLES.index(c)] = proba[:, k]
    return out


def _stack(x: np.ndarray, proba: np.ndarray, nbrs: list[list[int | None]], tags: list[str]) -> tuple[np.ndarray, list[str]]:
    cols = [x, proba]
    for nb in nbrs:
        idx = np.array([-1 if j is None else j for j in nb], dtype=int)
        cols.append(np.where((idx >= 0)[:, None], proba[np.clip(idx, 0, None)], -1.0))
    names = [f"p_{r}@{t}" for t in ["self", *tags] for r in ROLES]
    return np.hstack(cols).reshape(len(x), x.shape[1] + len(names)), names


def stacked_geometry(x: np.ndarray, proba: np.ndarray, up: list, down: list) -> tuple[np.ndarray, list[str]]:
    """A PDF or scanned line's features for the second role model: its own, and the first role
    model's guesses for it and the two lines above and below it in its column. A sequence of
    guesses tells what one line cannot: a short line under two title lines, guessed body, is
    the title's last line; a title guessed between body lines that run on is a subhead.
    Trained on guesses cross-fitted over two halves of the pages, so they are as noisy as at
    reading time (stacked sequential learning)."""
    up2 = [None if j is None else up[j] for j in up]
    down2 = [None if j is None else down[j] for j in down]
    return _stack(x, proba, [up, down, up2, down2], ["up", "down", "up2", "down2"])


def stacked_dump(x: np.ndarray, proba: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The same for a dump line, with the two lines before and after it."""
    offs = (-2, -1, 1, 2)
    return _stack(x, proba, [_offset(len(x), o) for o in offs], [str(o) for o in offs])


DUMP_LINK_NAMES = ["a_open", "a_ends_comma", "a_last_len", "b_first_len", "b_blank_before", "prev", "gap_lines",
                   "heads_between", "rank", "a_head", "a_pieces", "a_lines", "b_lines", "vocab", "seam_vocab",
                   "b_start_p", "b_dateline", "b_benbaoxun", "b_quote", "b_paren", "a_byline_end"]


def dump_link_features(page: PageLayout, x: np.ndarray, names: list[str], start_p: np.ndarray,
                       heads: list[bool], pieces: list[list[int]], arts: list[list[int]], b: int) -> np.ndarray:
    """One row per article so far (`arts`: piece indices, in the order opened) for "headless
    piece `b` continues this article": a dump breaks a story where its column breaks, and the
    rest comes after another story or a notice. What tells: the article's text so far stops
    mid-sentence, the piece's first line does not open one, the two share words, few headlines
    and articles stand between them."""
    lines = page.lines
    col = {k: names.index(k) for k in ("rel_len", "blank_before", "ends_comma", "dateline", "benbaoxun",
                                       "quote_start", "paren_start", "byline_line")}
    bl = pieces[b]
    b_text = [lines[i].text for i in bl]
    b_big, b_seam = _bigrams(b_text), _bigrams(b_text[:3])
    ends = sorted(((max(pieces[p][-1] for p in a), k) for k, a in enumerate(arts)), reverse=True)
    rank = {k: r for r, (_, k) in enumerate(ends)}
    rows = []
    for k, a in enumerate(arts):
        al = [i for p in a for i in pieces[p]]
        last = max(pieces[p][-1] for p in a)
        body = sorted(i for i in al if not heads[i]) or sorted(al)
        tail = body[-1]
        t = _WS.sub("", lines[tail].text)
        a_text = [lines[i].text for i in body]
        sa, ss = _bigrams(a_text), _bigrams(a_text[-3:])
        rows.append([
            float(not t or t[-1] not in _SENT_END), x[tail, col["ends_comma"]], x[tail, col["rel_len"]],
            x[bl[0], col["rel_len"]], x[bl[0], col["blank_before"]], float(rank[k] == 0), (bl[0] - last) / 10.0,
            float(sum(heads[last + 1: bl[0]])), rank[k], float(any(heads[i] for i in al)), len(a), len(al), len(bl),
            _jaccard(sa, b_big), _jaccard(ss, b_seam),
            float(start_p[bl[0]]), x[bl[0], col["dateline"]], x[bl[0], col["benbaoxun"]], x[bl[0], col["quote_start"]],
            x[bl[0], col["paren_start"]], x[tail, col["byline_line"]],
        ])
    return np.asarray(rows, np.float64).reshape(len(arts), len(DUMP_LINK_NAMES))
