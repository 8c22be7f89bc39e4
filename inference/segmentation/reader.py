"""The learned layout reader: line roles, then articles.

A PDF or scanned page: a tree ensemble gives every line a role (`Role`); headline lines that
touch form headline groups (anchors); body lines that run on in one column form blocks; a
second ensemble scores every (block, anchor) pair as "this block belongs under this
headline" from their geometry (offsets, overlap, headlines and rules in between, rank among
the headlines above), and each block joins its best anchor. Blocks are read column by
column. A text dump: one ensemble gives each line a role, another whether it opens an
article; articles are the runs between openings.

Both are trained on simulated pages (`xinwen.training.layout_train`); the few numbers that
stay tunable (glyph gaps, block gaps, the lowest link probability) live in
`configs/layout.yaml`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

import numpy as np
from xinwen.inference.segment import Article
from xinwen.inference.segmentation.credits import clean_credits, split_credits
from xinwen.inference.segmentation.features import (
    cascade_reading,
    dump_features,
    dump_link_features,
    geometry_features,
    role_probabilities,
    stacked_dump,
    stacked_geometry,
    start_features,
)
from xinwen.inference.segmentation.layout import (
    ROLES,
    Block,
    LayoutConfig,
    PageLayout,
    PageLine,
    Role,
    overlap,
)
from xinwen.inference.segmentation.union import connected
from xinwen.models.forest import TreeEnsemble
from xinwen.models.textclean import join_lines, paragraphs, repair_spacing

CARD = "layout.json"


class DumpCut(str, Enum):
    """Which way a dump's articles were cut: at headlines printed before their bodies, after
    them, or by the rule cascade of earlier releases."""

    BEFORE = "before"
    AFTER = "after"
    CASCADE = "cascade"


@dataclass
class DumpPieces:
    """A dump read into pieces: line features (`x`, `names`), start probabilities, roles, the
    pieces (line indices; notices and furniture left out), whether each opens at an article cut,
    and which way the page was cut (`before`, `after`, or the rule `cascade`, whose articles
    are then `cascade`)."""

    x: np.ndarray
    names: list[str]
    start_p: np.ndarray
    roles: list[Role]
    pieces: list[list[int]]
    opens: list[bool]
    way: DumpCut
    cascade: list[Article]


def _box(page: PageLayout, idx: list[int]) -> Block:
    ls = [page.lines[i] for i in idx]
    return Block(idx, min(x.x0 for x in ls), min(x.y0 for x in ls), max(x.x1 for x in ls), max(x.y1 for x in ls))


HEAD_PAIR_NAMES = ["vgap", "hgap", "size_ratio", "xov", "rules_between", "same_row", "a_size", "b_size",
                   "a_kicker", "a_title", "a_subtitle", "b_kicker", "b_title", "b_subtitle", "a_vertical", "b_vertical",
                   "dx0", "dcx"]
_HEADS = (Role.KICKER, Role.TITLE, Role.SUBTITLE)


def head_pairs(page: PageLayout, roles: list[Role], s: float) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Candidate pairs of headline lines (within four headline sizes of each other, so the count
    stays linear in practice) and their features, for "these two lines are one headline"."""
    L = page.lines
    idx = [i for i, r in enumerate(roles) if r.headline]
    rules = [r for r in page.rules if not r.image]
    pairs, rows = [], []
    for a in range(len(idx)):
        for b in range(a + 1, len(idx)):
            i, j = idx[a], idx[b]
            p, q = L[i], L[j]
            h = max(p.size, q.size)
            vgap = max(p.y0, q.y0) - min(p.y1, q.y1)
            hgap = max(p.x0, q.x0) - min(p.x1, q.x1)
            if vgap > 4 * h or hgap > 4 * h:
                continue
            lo_x, hi_x = min(p.x1, q.x1), max(p.x0, q.x0)
            lo_y, hi_y = min(p.y1, q.y1), max(p.y0, q.y0)
            between = sum(1 for r in rules if (not r.horizontal and lo_x - 1 <= r.x0 <= hi_x + 1 and hgap > 0
                                               and r.y0 <= max(p.y1, q.y1) and r.y1 >= min(p.y0, q.y0))
                          or (r.horizontal and lo_y - 1 <= r.y0 <= hi_y + 1 and vgap > 0
                              and overlap(r.x0, r.x1, min(p.x0, q.x0), max(p.x1, q.x1)) > 0))
            ov = overlap(p.x0, p.x1, q.x0, q.x1)
            pairs.append((i, j))
            rows.append([vgap / h, hgap / h, min(p.size, q.size) / h, ov / max(min(p.width, q.width), 1.0), between,
                         float(vgap < 0), p.size / s, q.size / s, *[float(roles[i] == x) for x in _HEADS],
                         *[float(roles[j] == x) for x in _HEADS], float(p.vertical), float(q.vertical),
                         (q.x0 - p.x0) / h, (q.cx - p.cx) / h])
    return pairs, np.asarray(rows, np.float64).reshape(-1, len(HEAD_PAIR_NAMES))


def group_pairs(page: PageLayout, idx: list[int], joined: list[tuple[int, int]]) -> list[Block]:
    """Blocks from a union of joined pairs (each member listed top to bottom)."""
    L = page.lines
    return [_box(page, sorted(g, key=lambda i: (L[i].y0, L[i].x0))) for g in connected(idx, joined)]


def blocks(page: PageLayout, roles: list[Role], up: list, down: list, s: float, cfg: LayoutConfig,
           kinds: tuple[Role, ...]) -> list[Block]:
    """Lines of `kinds` chained with the line under them in their column while the gap stays
    under `block_gap` and that line is of `kinds` too."""
    L = page.lines
    member = {i for i, r in enumerate(roles) if r in kinds}
    out: list[Block] = []
    for i in sorted(member, key=lambda i: (L[i].x0, L[i].y0)):
        u = up[i]
        if u is not None and u in member and down[u] == i and L[i].y0 - L[u].y1 < cfg.block_gap * s:
            continue  # not the first line of its block
        chain = [i]
        while True:
            d = down[chain[-1]]
            if d is None or d not in member or up[d] != chain[-1] or L[d].y0 - L[chain[-1]].y1 >= cfg.block_gap * s:
                break
            chain.append(d)
        out.append(_box(page, chain))
    return out


LINK_NAMES = ["dy_top", "dy_bottom", "xov_b", "xov_a", "dx_c", "dx_l", "dx_r", "a_size", "a_w", "b_w", "a_vertical",
              "between", "rank_above", "rank_dist", "hrules", "vrules", "directly_under", "caption", "n_anchors",
              "b_lines", "a_lines"]


def link_features(page: PageLayout, blk: list[Block], anc: list[Block], s: float, captions: set[int],
                  up: list) -> np.ndarray:
    """One row per (block, anchor) pair, blocks major."""
    L = page.lines
    hr = [r for r in page.rules if not r.image and r.horizontal]
    vr = [r for r in page.rules if not r.image and not r.horizontal]
    a_size = [max(L[i].size for i in a.lines) / s for a in anc]
    anchor_of = {i: k for k, a in enumerate(anc) for i in a.lines}
    rows = []
    for bi, b in enumerate(blk):
        bw = max(b.x1 - b.x0, 1.0)
        dist = [np.hypot(max(0.0, b.x0 - a.x1, a.x0 - b.x1), max(0.0, b.y0 - a.y1, a.y0 - b.y1)) for a in anc]
        order = np.argsort(dist)
        rank_d = np.empty(len(anc))
        rank_d[order] = np.arange(len(anc))
        above = [k for k, a in enumerate(anc) if a.y1 <= b.y0 + s and overlap(a.x0, a.x1, b.x0, b.x1) > 0.3 * bw]
        above.sort(key=lambda k: b.y0 - anc[k].y1)
        rank_a = {k: r for r, k in enumerate(above)}
        top = up[b.lines[0]]
        for k, a in enumerate(anc):
            ov = overlap(a.x0, a.x1, b.x0, b.x1)
            lo, hi = min(a.y1, b.y0), max(a.y1, b.y0)
            between = sum(1 for j, o in enumerate(anc) if j != k and o.y0 >= lo - s and o.y1 <= hi + s
                          and overlap(o.x0, o.x1, b.x0, b.x1) > 0.3 * bw and o.y0 > a.y0)
            hrules = sum(1 for r in hr if r.x0 <= (b.x0 + b.x1) / 2 <= r.x1 and lo + 0.3 * s < r.y0 < hi - 0.3 * s)
            xl, xh = sorted(((a.x0 + a.x1) / 2, (b.x0 + b.x1) / 2))
            vrules = sum(1 for r in vr if xl < r.x0 < xh and r.y0 <= b.y0 + s and r.y1 >= b.y0 - s)
            rows.append([
                (b.y0 - a.y1) / s, (b.y1 - a.y0) / s, ov / bw, ov / max(a.x1 - a.x0, 1.0),
                ((b.x0 + b.x1) - (a.x0 + a.x1)) / 2 / s, (b.x0 - a.x0) / s, (b.x1 - a.x1) / s, a_size[k],
                (a.x1 - a.x0) / s, bw / s, float(any(L[i].vertical for i in a.lines)), between,
                rank_a.get(k, -1), rank_d[k], hrules, vrules, float(top is not None and anchor_of.get(top) == k),
                float(bi in captions), len(anc), len(b.lines), len(a.lines),
            ])
    return np.asarray(rows, np.float64).reshape(-1, len(LINK_NAMES))


def reading_order(page: PageLayout, blk: list[Block]) -> list[Block]:
    """Column by column, top to bottom within a column; a block spanning columns first."""
    if not blk:
        return []
    width = min(b.x1 - b.x0 for b in blk)
    cols: list[float] = []
    keyed = []
    for b in sorted(blk, key=lambda b: b.x0):
        c = next((k for k, x in enumerate(cols) if abs(b.x0 - x) < 0.5 * width), None)
        if c is None:
            cols.append(b.x0)
            c = len(cols) - 1
        keyed.append((c, b))
    rank = {c: r for r, c in enumerate(np.argsort(cols))}
    return [b for _, b in sorted(keyed, key=lambda cb: (rank[cb[0]], cb[1].y0))]


def assemble(head: list[PageLine], head_roles: list[Role], body: list[str], byline_lines: list[str],
             captions: list[str]) -> Article:
    """An Article from its lines: headline parts by role, body through the credit parser."""
    art = Article()
    parts: dict[Role, list[str]] = {Role.KICKER: [], Role.TITLE: [], Role.SUBTITLE: []}
    for ln, r in zip(head, head_roles):
        parts[r].append(repair_spacing(ln.text, keep_phrase_spaces=True))
    if not parts[Role.TITLE]:
        parts[Role.TITLE], parts[Role.KICKER] = (parts[Role.KICKER], []) if parts[Role.KICKER] else (parts[Role.SUBTITLE], [])
        if parts[Role.TITLE] is parts[Role.SUBTITLE]:
            parts[Role.SUBTITLE] = []
    art.kicker = "".join(parts[Role.KICKER]) or None
    art.title = " ".join(parts[Role.TITLE]) or None
    art.subtitle = "".join(parts[Role.SUBTITLE]) or None
    text = "\n".join(p for p in body if p)
    dateline, byline, text = split_credits(text)
    bylines = [repair_spacing(x, keep_phrase_spaces=True) for x in byline_lines] + ([byline] if byline else [])
    art.byline = " ".join(bylines) or None
    art.dateline = dateline
    art.captions = captions
    art.text = text
    return art


class LayoutReader:
    """The tree ensembles (`PARTS`, and those of `OPTIONAL` where trained) and
    the config; `from_pretrained`/`save_pretrained` read and write a
    folder of safetensors files plus `layout.json` (roles, feature names, metrics, seeds)."""

    PARTS = ("pdf_roles", "pdf_heads", "pdf_links", "text_roles", "text_starts")
    # second role models, stacked on the first ones' guesses for a line and its neighbours
    # (`features.stacked_geometry`, `stacked_dump`), and the dump piece linker
    # (`features.dump_link_features`); a folder without them reads with the first role models
    # and cuts dumps only where articles open
    OPTIONAL = ("pdf_roles2", "text_roles2", "text_links")

    def __init__(self, pdf_roles: TreeEnsemble, pdf_heads: TreeEnsemble, pdf_links: TreeEnsemble,
                 text_roles: TreeEnsemble, text_starts: TreeEnsemble, config: LayoutConfig | None = None,
                 card: dict | None = None, pdf_roles2: TreeEnsemble | None = None,
                 text_roles2: TreeEnsemble | None = None, text_links: TreeEnsemble | None = None):
        self.pdf_roles, self.pdf_heads, self.pdf_links = pdf_roles, pdf_heads, pdf_links
        self.text_roles, self.text_starts = text_roles, text_starts
        self.pdf_roles2, self.text_roles2, self.text_links = pdf_roles2, text_roles2, text_links
        self.config = config or LayoutConfig.from_yaml()
        self.card = card or {}

    _bundled: LayoutReader | None = None

    @classmethod
    def bundled(cls) -> LayoutReader:
        if cls._bundled is None:
            from xinwen.settings import ASSETS

            cls._bundled = cls.from_pretrained(ASSETS / "layout")
        return cls._bundled

    @classmethod
    def use_as_bundled(cls, folder: str | Path) -> LayoutReader:
        """Make the reader in `folder` the one `bundled()` hands out for this process, so a
        candidate model is scored through the same path `run` takes (benchmarks/segment.py)."""
        cls._bundled = cls.from_pretrained(folder)
        return cls._bundled

    @classmethod
    def from_pretrained(cls, folder: str | Path, config: LayoutConfig | None = None) -> LayoutReader:
        folder = Path(folder)
        if not (folder / CARD).exists():
            raise FileNotFoundError(f"{folder}: not a layout model folder (no {CARD})")
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        parts = [TreeEnsemble.load(folder, k) for k in cls.PARTS]
        optional = {k: TreeEnsemble.load(folder, k) for k in cls.OPTIONAL if TreeEnsemble.exists(folder, k)}
        return cls(*parts, config=config, card=card, **optional)

    def save_pretrained(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for k in self.PARTS + self.OPTIONAL:
            if getattr(self, k) is not None:
                getattr(self, k).save(folder, k)
        (folder / CARD).write_text(json.dumps({**self.card, "roles": ROLES}, ensure_ascii=False, indent=1),
                                   encoding="utf-8")

    # --- roles -------------------------------------------------------------------------------
    def roles(self, page: PageLayout) -> list[Role]:
        if not page.lines:
            return []
        if page.has_geometry:
            x, _, _, up, down = geometry_features(page)
            return self.geometry_roles(x, up, down)
        return self.dump_roles(dump_features(page)[0])[1]

    def geometry_roles(self, x: np.ndarray, up: list, down: list) -> list[Role]:
        """Each line's role: the first model's guess, or the stacked model's where there is one."""
        if self.pdf_roles2 is None:
            return [Role(c) for c in self.pdf_roles.predict(x)]
        proba = role_probabilities(self.pdf_roles.predict_proba(x), self.pdf_roles.classes)
        return [Role(c) for c in self.pdf_roles2.predict(stacked_geometry(x, proba, up, down)[0])]

    def dump_roles(self, x: np.ndarray) -> tuple[np.ndarray, list[Role]]:
        """The first model's probabilities (the start model is stacked on them) and each line's
        role (the stacked model's where there is one)."""
        proba = self.text_roles.predict_proba(x)
        if self.text_roles2 is None:
            return proba, [Role(self.text_roles.classes[k]) for k in proba.argmax(axis=1)]
        aligned = role_probabilities(proba, self.text_roles.classes)  # the same guesses, not a second pass
        return proba, [Role(c) for c in self.text_roles2.predict(stacked_dump(x, aligned)[0])]

    def segment(self, page: PageLayout) -> list[Article]:
        if not page.lines:
            return []
        arts = self._segment_geometry(page) if page.has_geometry else self._segment_dump(page)
        return [a for a in arts if a.text.strip()]

    # --- PDF and scans -----------------------------------------------------------------------
    def _segment_geometry(self, page: PageLayout) -> list[Article]:
        cfg = self.config
        x, _, s, up, down = geometry_features(page)
        roles = self.geometry_roles(x, up, down)
        anc = self.anchors(page, roles, s)
        body = blocks(page, roles, up, down, s, cfg, (Role.BODY, Role.SUBHEAD, Role.BYLINE, Role.DATELINE))
        caps = blocks(page, roles, up, down, s, cfg, (Role.CAPTION, Role.CREDIT))
        allb = body + caps
        owner: dict[int, int] = {}
        if anc and allb:
            p = self.pdf_links.predict_proba(
                link_features(page, allb, anc, s, set(range(len(body), len(allb))), up))[:, 1].reshape(len(allb), len(anc))
            for bi in range(len(allb)):
                k = int(p[bi].argmax())
                if p[bi, k] >= cfg.link_min:
                    owner[bi] = k
        groups: dict[int, list[int]] = {}
        untitled: list[list[int]] = []
        line_group: dict[int, tuple] = {}
        L = page.lines
        for bi in sorted(range(len(body)), key=lambda b: (body[b].x0, body[b].y0)):
            if bi in owner:
                groups.setdefault(owner[bi], []).append(bi)
                key = ("a", owner[bi])
            else:
                # no headline claims it: it runs on from the article printed right above it in its
                # column, or opens an untitled one
                top = up[body[bi].lines[0]]
                key = line_group.get(top) if top is not None and L[body[bi].lines[0]].y0 - L[top].y1 < \
                    cfg.block_gap * 2 * s else None
                if key is None:
                    untitled.append([bi])
                    key = ("u", len(untitled) - 1)
                elif key[0] == "a":
                    groups[key[1]].append(bi)
                else:
                    untitled[key[1]].append(bi)
            for i in body[bi].lines:
                line_group[i] = key
        arts = []
        for k, a in enumerate(anc):
            cap_text = [join_lines([L[i].text for i in caps[bi - len(body)].lines]) for bi, o in owner.items()
                        if o == k and bi >= len(body)]
            arts.append((a.y0, a.x0, self._article(page, roles, a, [body[b] for b in groups.get(k, [])], s,
                                                   [c for c in cap_text if c])))
        for g in untitled:
            bs = [body[b] for b in g]
            if sum(len(L[i].text) for b in bs for i in b.lines) < cfg.min_untitled_chars:
                continue  # a stray line or two (a notice fragment, a label), not an article
            arts.append((min(b.y0 for b in bs), min(b.x0 for b in bs), self._article(page, roles, None, bs, s, [])))
        arts.sort(key=lambda t: (round(t[0] / (4 * s)), t[1]))
        return [a for _, _, a in arts]

    def anchors(self, page: PageLayout, roles: list[Role], s: float) -> list[Block]:
        """Headline lines joined where the head-pair model says they are one headline."""
        pairs, x = head_pairs(page, roles, s)
        keep = self.pdf_heads.predict_proba(x)[:, 1] >= 0.5 if len(pairs) else []
        return group_pairs(page, [i for i, r in enumerate(roles) if r.headline],
                           [p for p, k in zip(pairs, keep) if k])

    def _article(self, page: PageLayout, roles: list[Role], anchor: Block | None, bs: list[Block], s: float,
                 captions: list[str]) -> Article:
        L = page.lines
        head = [L[i] for i in anchor.lines] if anchor else []
        head_roles = [roles[i] for i in anchor.lines] if anchor else []
        paras: list[str] = []
        bylines: list[str] = []
        cur: list[str] = []
        for b in reading_order(page, bs):
            for j, i in enumerate(b.lines):
                ln, r = L[i], roles[i]
                if r == Role.BYLINE:
                    bylines.append(ln.text)
                    continue
                indented = ln.x0 - b.x0 >= 1.2 * s
                if r == Role.SUBHEAD or (indented and cur):
                    if cur:
                        paras.append(join_lines(cur))
                    cur = []
                cur.append(ln.text)
                nxt = L[b.lines[j + 1]] if j + 1 < len(b.lines) else None
                short = ln.x1 < b.x1 - 1.5 * s and (nxt is None or nxt.x1 > ln.x1 + s)
                if r == Role.SUBHEAD or (short and re.search(r"[。！？”…]$", ln.text.strip())):
                    paras.append(join_lines(cur))
                    cur = []
        if cur:
            paras.append(join_lines(cur))
        art = assemble(head, head_roles, paras, bylines, captions)
        conf = [L[i].confidence for b in bs for i in b.lines if L[i].confidence is not None] + \
            [ln.confidence for ln in head if ln.confidence is not None]
        art.ocr_confidence = sum(conf) / len(conf) if conf else None
        return art

    # --- dumps -------------------------------------------------------------------------------
    def _cascade(self, page: PageLayout, keep: list[int], x: np.ndarray) -> tuple[set[int], list[Article]] | None:
        """The rule cascade of earlier releases as one more candidate reading: its articles, and
        where in `keep` it cuts (the first line of each of its articles in dump order, from the
        features that already locate them)."""
        reading = cascade_reading(page.lines)
        if reading is None:
            return None
        arts = [replace(a, captions=list(a.captions)) for a in reading[0]]  # the cached reading stays as read
        names = self.text_roles.feature_names
        col = names.index("cascade_body_start" if x[0, names.index("cascade_after")] else "cascade_head_start")
        c = {k for k, i in enumerate(keep) if x[i, col] > 0} | {0}
        return c, [clean_credits(a) for a in arts]


    def dump_pieces(self, page: PageLayout) -> DumpPieces:
        """A dump prints each headline either before its body or after it, one way per page.
        Articles are cut at headline runs both ways; the way whose cuts the start model finds
        likelier wins. Lines the start model is sure of open an article either way (briefs
        without a headline). The cuts, and the notices and furniture that interrupt a story,
        break the page into pieces."""
        x, names = dump_features(page)
        proba, roles = self.dump_roles(x)
        p = np.clip(self.text_starts.predict_proba(start_features(x, proba, self.text_roles.classes)[0])[:, 1],
                    1e-4, 1 - 1e-4)
        keep = [i for i, r in enumerate(roles) if r not in (Role.NOTICE, Role.FURNITURE)]
        runs: list[tuple[int, int]] = []  # (first, last) positions in `keep` of headline runs
        for k, i in enumerate(keep):
            if roles[i].headline:
                if runs and runs[-1][1] == k - 1:
                    runs[-1] = (runs[-1][0], k)
                else:
                    runs.append((k, k))
        strong = {k for k, i in enumerate(keep) if p[i] >= self.config.start_min and not roles[i].headline}

        def cuts(after: bool) -> set[int]:
            c = {b + 1 for _, b in runs if b + 1 < len(keep)} if after else {a for a, _ in runs}
            return c | strong | {0}

        def loglik(c: set[int]) -> float:
            return float(sum(np.log(p[keep[k]]) if k in c else np.log(1 - p[keep[k]]) for k in range(len(keep))))

        candidates = [cuts(False), cuts(True)]
        cascade = self._cascade(page, keep, x)
        if cascade is not None:
            candidates.append(cascade[0])
        best = max(candidates, key=loglik) if keep else set()
        pieces: list[list[int]] = []
        opens: list[bool] = []
        for k, i in enumerate(keep):
            if not pieces or k in best or i != keep[k - 1] + 1:
                pieces.append([])
                opens.append(not pieces[:-1] or k in best)
            pieces[-1].append(i)
        way = (DumpCut.CASCADE if cascade is not None and best is candidates[-1]
               else DumpCut.BEFORE if best is candidates[0] else DumpCut.AFTER)
        return DumpPieces(x, names, p, roles, pieces, opens, way, cascade[1] if way == DumpCut.CASCADE else [])

    def link_pieces(self, page: PageLayout, d: DumpPieces) -> list[list[int]]:
        """Pieces into articles (piece indices, each article's in dump order). Where the page
        prints headlines before their bodies and a linker was trained, a piece without a
        headline joins the article it most likely continues (or opens one of its own);
        otherwise a piece that opens at a cut opens an article and the others run on."""
        heads = [r.headline for r in d.roles]
        arts: list[list[int]] = []
        for b, pc in enumerate(d.pieces):
            if not arts or any(heads[i] for i in pc):
                target = None
            elif self.text_links is None or d.way != DumpCut.BEFORE:
                target = None if d.opens[b] else len(arts) - 1
            else:
                q = self.text_links.predict_proba(dump_link_features(page, d.x, d.names, d.start_p, heads, d.pieces,
                                                                     arts, b))[:, 1]
                k = int(q.argmax())
                target = k if q[k] >= self.config.dump_link_min else None
            if target is None:
                arts.append([b])
            else:
                arts[target].append(b)
        return arts

    def _segment_dump(self, page: PageLayout) -> list[Article]:
        d = self.dump_pieces(page)
        if d.way == DumpCut.CASCADE:
            return d.cascade
        L = page.lines
        out = []
        for art in self.link_pieces(page, d):
            cur: dict = {"head": [], "roles": [], "body": [], "by": [], "cap": []}
            for i in (i for b in art for i in d.pieces[b]):
                r = d.roles[i]
                if r.headline:
                    cur["head"].append(L[i])
                    cur["roles"].append(r)
                elif r == Role.BYLINE:
                    cur["by"].append(L[i].text)
                elif r in (Role.CAPTION, Role.CREDIT):
                    cur["cap"].append(repair_spacing(L[i].text))
                else:
                    cur["body"].append(L[i].text)
            out.append(assemble(cur["head"], cur["roles"], paragraphs(cur["body"]), cur["by"], cur["cap"]))
        return out


def dump_layout(text: str, source: str = "", page: int = 1) -> PageLayout:
    """A text dump's page as a PageLayout: non-empty lines, each knowing whether a blank one
    came before it."""
    lines: list[PageLine] = []
    blank = False
    for raw in text.split("\n"):
        if not raw.strip():
            blank = True
            continue
        lines.append(PageLine(raw.rstrip(), blank_before=blank))
        blank = False
    return PageLayout(lines, source=source, page=page, text=text)
