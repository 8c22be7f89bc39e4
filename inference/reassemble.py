"""Broken reading order: put the column blocks of a text dump back into articles.

`pdftotext` (without `-layout`) writes every column chunk of a page as a block between blank
lines (read by `blocks.py`), in the order the PDF happens to draw them, not the reading order:
one article's columns come out scattered among the others'. Reading such a dump top to bottom glues
unrelated columns together, so here the blocks are regrouped in two steps:

1. **Link** every block that stops mid-sentence to the block that continues it: one
   assignment problem (Hungarian algorithm) over successor costs from signals that survive
   the scrambling: pieces of one article share a column width; dumps keep many consecutive
   columns next to each other; an article's pieces repeat its words; and a character
   language model (the shipped base BERT, when present) scores how well a tail reads into
   a head across the seam (`彻底摆脱贫困，决` + `胜全面建成小康社会`). Line lengths keep
   the paragraphs: a first line two characters short is an indented paragraph start that
   nothing runs into; a full last line goes on elsewhere even after a full stop. Blocks after
   a title-and-author block start articles and are dear to link into (not after a bare name:
   pdftotext often prints the last column's author over another article's column). No cycles.
2. **Group** the resulting fragments, which now break only at sentence ends, into articles:
   average-linkage agglomeration on the same word overlap, width and adjacency, and a pull
   between a part that has an article's start (under a title) but no end and one that has the
   end (a closing line) but no start, and between two parts that each hold a block opening
   with a boxed section subhead (only a page's long lead article has sections), until no
   pair is clearly more alike than the page's median pair; never two closing affiliations
   `（作者为…）` in one article, nothing added to a chain that runs unbroken from under a
   title to a closing line, nor fewer articles than author names or closing lines. Then a
   part under `STRAY_CHARS` with neither an article's start nor its end (a lede set in a
   narrower column, a stray paragraph) joins the part it reads most like, whatever the
   margin or the count of names says: it cannot be an article of its own.
3. **Title** each article with the headline block whose words it shares (one assignment):
   pdftotext prints a page's headlines away from their columns; a one-line headline right
   above a title-and-author block is its kicker.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Callable

import numpy as np
from xinwen.inference import segment as seg
from xinwen.inference.blocks import Block, classify, looks_scrambled, norm, split_blocks
from xinwen.inference.lines import Line, is_person_name

SeamScorer = Callable[[list[tuple[str, str]]], np.ndarray]

SEAM_CHARS = 24
SEAM_MAX_PAIRS = 320  # seams the model reads per page (five batches of the bundled base)
INF = 1e6

# costs (lower is better); one unit is roughly one nat of the seam model
ADJACENT = -1.5  # j is the next body block after i in the dump
WIDTH_STEP = 2.0  # per character of column-width difference beyond one
WIDTH_CAP = 8.0
END_MID = 8.0  # leaving a mid-sentence tail without a successor
START_TITLED = -2.0  # j follows a title-and-author block: a predecessor costs this much more
END_RUN_ON = 3.0  # leaving a full last line that ends a sentence without a successor
OPENS = 4.0  # linking into a block whose first line is indented
SEAM_WEIGHT = 0.5
LEXICAL_WEIGHT = 20.0
WIDTH_SIM_STEP = 0.05  # grouping: similarity lost per character of width difference beyond one
ADJACENT_SIM = 0.03
MERGE_MARGIN = 0.045  # over the page's median piece-to-piece similarity (tuned, see README)
TITLE_NAME_BONUS = 0.05
COMPLEMENT_SIM = 0.04  # grouping: one part has the start (under a title), the other the closing line
STRAY_CHARS = 400.0  # grouping: a part shorter than this with neither start nor end joins the part it reads most like
STRAY_WIDTH_CAP = 0.05  # a stray may be set in another width (a narrow lede): width counts, up to this
SECTION_SIM = 0.08  # grouping: both parts hold a block that opens with a section subhead
TITLE_ABOVE_BONUS = 0.05
TITLE_FLOOR = 0.02


def successor_costs(bodies: list[Block], seam: SeamScorer | None = None) -> np.ndarray:
    """Cost of reading block j right after block i (mid-sentence seams only are linked).

    The seam model reads at most `SEAM_MAX_PAIRS` seams a page: for each tail that can run on,
    the heads the cheaper signals (width, adjacency, wording) already rank best. Scoring every
    pair grew with the square of the blocks (a city paper's dump of 56 blocks: 3,136 seams, 33 s)."""
    n = len(bodies)
    c = np.zeros((n, n))
    for i, a in enumerate(bodies):
        for j, b in enumerate(bodies):
            c[i, j] = _width_cost(a.width, b.width, WIDTH_STEP, WIDTH_CAP)
        if i + 1 < n:
            c[i, i + 1] += ADJACENT
    c -= LEXICAL_WEIGHT * _centred(_similarity([b.text for b in bodies]))
    for j, b in enumerate(bodies):
        if b.titled:  # possible (a subhead can look like a title), but dearer; never into a paragraph start
            c[:, j] += INF if b.opens else -START_TITLED
        if b.opens:
            c[:, j] += OPENS  # an indented first line starts a paragraph: nothing runs into it
    np.fill_diagonal(c, INF)
    if seam is not None and n > 1:
        c -= SEAM_WEIGHT * _seam_term(bodies, c, seam)
    return c


def seam_pairs(bodies: list[Block], costs: np.ndarray, cap: int) -> list[tuple[int, int]]:
    """The (tail, head) pairs worth the seam model's time: tails that can run on (`link` reads
    no other), heads not ruled out, the `cap // tails` cheapest heads of each tail."""
    rows = [i for i, b in enumerate(bodies) if b.mid or b.runs_on]
    if not rows:
        return []
    k = max(2, cap // len(rows))
    pairs = []
    for i in rows:
        ok = [j for j in np.argsort(costs[i], kind="stable") if costs[i, j] < INF / 2]
        pairs += [(i, int(j)) for j in ok[:k]]
    return pairs[:cap]


def _seam_term(bodies: list[Block], costs: np.ndarray, seam: SeamScorer) -> np.ndarray:
    """How much better tail i reads into head j than the others do (only differences matter),
    for the pairs `seam_pairs` picks; 0 elsewhere."""
    n = len(bodies)
    pairs = seam_pairs(bodies, costs, SEAM_MAX_PAIRS)
    if not pairs:
        return np.zeros((n, n))
    s = np.full((n, n), np.nan)
    scores = np.asarray(seam([(bodies[i].text[-SEAM_CHARS:], bodies[j].text[:SEAM_CHARS]) for i, j in pairs]), dtype=float)
    for (i, j), v in zip(pairs, scores):
        s[i, j] = v
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nanmean of a row or column with no scored pair
        z = s - np.nanmean(s, axis=0, keepdims=True) - np.nanmean(s, axis=1, keepdims=True) + np.nanmean(s)
    return np.nan_to_num(z)


def _width_cost(a: float, b: float, step: float, cap: float) -> float:
    """Column widths within a character of each other match; 0 is unknown and matches all."""
    if not a or not b:
        return 0.0
    return min(cap, step * max(0.0, abs(a - b) - 1.0))


def _similarity(texts: list[str]) -> np.ndarray:
    """Cosine similarity of character 2–3-gram TF-IDF vectors, IDF from this page: the
    words an article keeps repeating (一带一路, 人民币国际化) tie its pieces together."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    x = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    return (x @ x.T).toarray()


def _centred(s: np.ndarray) -> np.ndarray:
    s = s.astype(float).copy()
    np.fill_diagonal(s, np.nan)
    return np.nan_to_num(s - np.nanmean(s))


def link(costs: np.ndarray, bodies: list[Block]) -> dict[int, int]:
    """Successor of every block whose sentence or paragraph runs on (one assignment over all
    of them)."""
    rows = [i for i, b in enumerate(bodies) if b.mid or b.runs_on]
    m = costs[rows].copy()
    # a finished sentence runs on only into a block known to carry on a paragraph
    carries = np.array([bool(b.width) and not b.opens and not b.titled for b in bodies])
    for r, i in enumerate(rows):
        if not bodies[i].mid:
            m[r, ~carries] = INF
    return _assign(m, rows, [END_MID if bodies[i].mid else END_RUN_ON for i in rows])


def _assign(m: np.ndarray, rows: list[int], end: list[float]) -> dict[int, int]:
    """Rows (predecessors) to columns (successors) at least cost, or to nothing at `end` cost.
    A reading order has no cycles: while the assignment closes one, its dearest link is
    forbidden and the assignment solved again."""
    from scipy.optimize import linear_sum_assignment

    if not rows:
        return {}
    n = m.shape[1]
    full = np.full((len(rows), n + len(rows)), INF)
    full[:, :n] = m
    full[np.arange(len(rows)), n + np.arange(len(rows))] = end
    nxt: dict[int, int] = {}
    for _ in range(n):
        r, c = linear_sum_assignment(full)
        nxt = {rows[a]: int(b) for a, b in zip(r, c) if b < n and full[a, b] < INF / 2}
        cycle = _cycle(nxt)
        if not cycle:
            return nxt
        worst = max(cycle, key=lambda i: full[rows.index(i), nxt[i]])
        full[rows.index(worst), nxt[worst]] = INF
    return nxt


def _cycle(nxt: dict[int, int]) -> list[int]:
    for start in nxt:
        path, i = [], start
        while i in nxt and i not in path:
            path.append(i)
            i = nxt[i]
        if i in path:
            return path[path.index(i) :]
    return []


def fragments(nxt: dict[int, int], n: int) -> list[list[int]]:
    """Chains of blocks joined mid-sentence, in order of their first block; cycles are opened."""
    prv = {v: k for k, v in nxt.items()}
    out: list[list[int]] = []
    seen: set[int] = set()
    for s in [k for k in range(n) if k not in prv] + list(range(n)):
        if s in seen:
            continue
        cur = [s]
        seen.add(s)
        while cur[-1] in nxt and nxt[cur[-1]] not in seen:
            cur.append(nxt[cur[-1]])
            seen.add(cur[-1])
        out.append(cur)
    return sorted(out, key=min)


def group(frags: list[list[int]], bodies: list[Block], min_groups: int) -> list[list[int]]:
    """Agglomerate fragments into articles: most similar pair first, never two closed ends in
    one article nor anything added to one unbroken chain from its title to its closing line,
    stop when no pair is similar enough (or `min_groups` is reached)."""
    fsim = _similarity(["".join(bodies[i].text for i in f) for f in frags])
    off = fsim[~np.eye(len(frags), dtype=bool)]
    # how alike two pieces must be depends on the page: theory pages all share one vocabulary
    floor = float(np.median(off)) + MERGE_MARGIN if off.size else 0.0
    parts = [[k] for k in range(len(frags))]  # fragment indices per group

    def blocks_of(k: int) -> list[int]:
        return [i for f in parts[k] for i in frags[f]]

    def closed(k: int) -> bool:
        return any(bodies[i].closed for i in blocks_of(k))

    def starts(f: int) -> bool:  # the fragment hangs from under a title
        return bodies[frags[f][0]].titled

    def sealed(k: int) -> bool:  # one unbroken chain from under a title to a closing line: a whole article
        return any(starts(f) and bodies[frags[f][-1]].closed for f in parts[k])

    def ends(k: int) -> tuple[bool, bool]:  # (has the article's start, has its closing line)
        return any(starts(f) for f in parts[k]), closed(k)

    def sectioned(k: int) -> bool:
        return any(bodies[i].section for i in blocks_of(k))

    def width(k: int) -> float:
        known = [bodies[i].width for i in blocks_of(k) if bodies[i].width]
        return float(statistics.median(known)) if known else 0.0

    def linkage(a: int, b: int, width_cap: float) -> float:  # average linkage, less the width mismatch
        return float(fsim[np.ix_(parts[a], parts[b])].mean()) - _width_cost(width(a), width(b), WIDTH_SIM_STEP, width_cap)

    def score(a: int, b: int) -> float:
        if sealed(a) or sealed(b) or (closed(a) and closed(b)):
            return -INF
        s = linkage(a, b, INF)
        if any(abs(i - j) == 1 for i in blocks_of(a) for j in blocks_of(b)):
            s += ADJACENT_SIM
        if {ends(a), ends(b)} == {(True, False), (False, True)}:  # one has the start, the other the end
            s += COMPLEMENT_SIM
        if sectioned(a) and sectioned(b):  # two sections of the one article that has them
            s += SECTION_SIM
        return s

    while len(parts) > max(min_groups, 1):
        best, a, b = max(((score(a, b), a, b) for a in range(len(parts)) for b in range(a + 1, len(parts))), default=(-INF, 0, 0))
        if best < floor:
            break
        parts[a] += parts.pop(b)

    def stray(k: int) -> bool:  # too short to be an article, and neither its start nor its end
        return ends(k) == (False, False) and sum(len(bodies[i].text) for i in blocks_of(k)) < STRAY_CHARS

    while len(parts) > 1 and (strays := [k for k in range(len(parts)) if stray(k)]):
        k = strays[0]
        near = [(linkage(k, j, STRAY_WIDTH_CAP), j) for j in range(len(parts)) if j != k and not sealed(j)]
        if not near:
            break
        j = max(near)[1]
        parts[j] += parts[k]
        parts.pop(k)
    return sorted((blocks_of(k) for k in range(len(parts))), key=min)


def _order(g: list[int], frags_of: dict[int, list[int]], bodies: list[Block]) -> list[int]:
    """Fragments of one article: a titled one first, the closed one last, the rest as dumped."""
    firsts = sorted({frags_of[i][0] for i in g})
    firsts.sort(key=lambda f: (not bodies[f].titled, any(bodies[i].closed for i in frags_of[f]), f))
    return [i for f in firsts for i in frags_of[f]]


def reassemble(blocks: list[Block], seam: SeamScorer | None = None) -> list[tuple[Block | None, list[str]]]:
    """(headline/author block, body lines) per article, articles in order of first appearance."""
    bodies = [b for b in blocks if b.kind == "body"]
    frags = fragments(link(successor_costs(bodies, seam), bodies), len(bodies))
    frags_of = {i: f for f in frags for i in f}
    at_least = max(sum(b.names for b in blocks), sum(b.closed for b in bodies))
    groups = [_order(g, frags_of, bodies) for g in group(frags, bodies, at_least)]
    group_of = {id(bodies[i]): n for n, g in enumerate(groups) for i in g}
    under = {}  # headline block -> the article of the body block printed right under it
    for k, b in enumerate(blocks):
        nxt = next((x for x in blocks[k + 1 :] if x.kind != "furniture"), None)
        if b.kind == "head" and nxt is not None and nxt.kind == "body":
            under[id(b)] = group_of[id(nxt)]
    heads = match_headlines(_headlines(blocks, under), ["".join(bodies[i].text for i in g) for g in groups], under)
    return [(heads.get(n), [x for i in g for x in bodies[i].lines]) for n, g in enumerate(groups)]


def _headlines(blocks: list[Block], under: dict[int, int]) -> list[Block]:
    """Headline blocks. A one-line block printed right above a title-and-author block is its
    kicker (`历史观争论属于意识形态领域斗争` over `在理性辨析中树立正确历史观 / 郭海成`); an
    author's name printed alone goes to the nearest headline in the dump that has no name."""
    out: list[tuple[int, Block]] = []  # (position in the dump, block)
    for k, b in enumerate(blocks):
        if b.kind != "head":
            continue
        prev = out[-1][1] if out else None
        if b.names and prev is not None and k and blocks[k - 1] is prev and not prev.names and len(prev.lines) == 1:
            out[-1] = (k, _joined(prev, b, over=b, under=under, kicker=True))
            continue
        out.append((k, b))
    for k, h in [(k, h) for k, h in out if h.names and len(h.lines) == h.names]:
        bare = [n for n, (_, t) in enumerate(out) if not t.names]
        if bare:
            n = min(bare, key=lambda n: abs(out[n][0] - k))
            title = out[n][1]
            out[n] = (out[n][0], _joined(title, h, over=title, under=under, kicker=title.kicker))
    return [h for _, h in out]


def _joined(first: Block, second: Block, over: Block, under: dict[int, int], kicker: bool) -> Block:
    """One headline block of two, printed over the column that `over` was printed over."""
    out = Block(first.lines + second.lines, "head", names=second.names, kicker=kicker)
    if id(over) in under:
        under[id(out)] = under[id(over)]
    return out


def match_headlines(heads: list[Block], texts: list[str], under: dict[int, int]) -> dict[int, Block]:
    """Headline blocks to articles by wording: pdftotext prints a page's titles away from
    their columns, but a title's words recur in its own article. One assignment (Hungarian)
    maximises the total similarity; a block with an author name in it is a title rather than
    a subhead or banner, and one printed right above an article's column is likely its own."""
    from scipy.optimize import linear_sum_assignment

    titled = [h for h in heads if len(h.lines) > h.names]
    if not titled or not texts:
        return {}
    titles = ["".join(norm(x) for x in h.lines) for h in titled]
    sim = _similarity(titles + texts)[: len(titles), len(titles) :]
    score = sim + np.array([[TITLE_NAME_BONUS if h.names else 0.0] for h in titled])
    for r, h in enumerate(titled):
        if id(h) in under:
            score[r, under[id(h)]] += TITLE_ABOVE_BONUS
    rows, cols = linear_sum_assignment(-score)
    return {int(c): titled[r] for r, c in zip(rows, cols) if sim[r, c] >= TITLE_FLOOR}


def reassembled_articles(raw: list[Line], seam: SeamScorer | str | None) -> list[seg.Article] | None:
    """Articles of a block-wise dump whose columns are out of reading order; None when the
    page does not look like one."""
    blocks = classify(split_blocks([x.text for x in raw]))
    if not looks_scrambled(blocks):
        return None
    if seam == "auto":
        from xinwen.models.seam import bundled_seam_scorer

        seam = bundled_seam_scorer()
    out: list[seg.Article] = []
    for head, body in reassemble(blocks, seam if callable(seam) else None):
        # the layout is known now: headline lines are the head block's, none in the body
        lines = [Line(x, not is_person_name(x)) for x in (head.lines if head else [])] + [Line(x, False) for x in body]
        parts = seg.segment_ordered(lines, "before")
        if not parts:
            continue
        art = parts[0]
        for p in parts[1:]:
            art.text = "\n".join(x for x in (art.text, p.text) if x)
            art.captions += p.captions
            art.byline = art.byline or p.byline
        if head is not None and head.kicker and art.subtitle and not art.kicker:
            art.kicker, art.title, art.subtitle = art.title, art.subtitle, None
        out.append(art)
    return seg.drop_fragments(out)
