"""Train the layout reader on simulated pages (`xinwen train-layout`).

Every simulated page is read back the way a user's page is: the PDF through
`pdf_lines.pdf_layouts`, its pdftotext and pdfminer dumps and a regional-style text page
through `dump_layout`. What was read is labelled from the simulator's record of what it
drew (a line's box for PDFs, its text for dumps), so the models learn from exactly the
features they will see. Held-out families and seeds are scored after fitting and the figures
go into the model card with the seeds, the config and a hash of the corpus file.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from xinwen.inference.segmentation.features import (
    DUMP_LINK_NAMES,
    dump_features,
    dump_link_features,
    geometry_features,
    role_probabilities,
    stacked_dump,
    stacked_geometry,
    start_features,
)
from xinwen.inference.segmentation.layout import LayoutConfig, PageLayout, PageLine, Role
from xinwen.inference.segmentation.pdf_lines import pdf_layouts
from xinwen.inference.segmentation.reader import (
    HEAD_PAIR_NAMES,
    LINK_NAMES,
    DumpCut,
    LayoutReader,
    blocks,
    dump_layout,
    group_pairs,
    head_pairs,
    link_features,
)
from xinwen.models.forest import TreeEnsemble
from xinwen.training.pagesim import (
    FAMILIES,
    HELD_OUT_FAMILIES,
    HELD_OUT_SEED,
    TRAIN_FAMILIES,
    VARIANTS,
    SimPage,
    TextPool,
    simulate,
    variant_of,
)

from xinwen.settings import file_sha256

_ns = re.compile(r"\s")
DUMP_KINDS = ("pdftotext", "pdfminer", "text")


@dataclass
class LayoutTrainConfig:
    """`configs/layout_train.yaml`, validated: unknown keys and bad values are refused."""

    families: list[str] = field(default_factory=lambda: list(TRAIN_FAMILIES))
    seeds: int = 60  # pages per family
    eval_seeds: int = 6
    corpus_items: int = 20000
    seed: int = 0
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    l2_regularization: float = 1.0
    dumps: list[str] = field(default_factory=lambda: list(DUMP_KINDS))
    scans: int = 0  # pages per family also read as damaged 200-dpi scans through OCR (~15 s each)
    sim_variants: dict[str, float] = field(default_factory=lambda: {"base": 1.0})  # pagesim.VARIANTS → share of pages
    stacked_roles: bool = True  # second role models on the first ones' cross-fitted guesses for each line's neighbours
    link_seeds: int = 30  # more pages per family (seeds after `seeds`), dumps only, for the dump piece linker; 0: none

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> LayoutTrainConfig:
        from xinwen.settings import dataclass_yaml

        data, p = dataclass_yaml(cls, path, "layout_train")
        cfg = cls(**data)
        if bad := [f for f in cfg.families if f not in FAMILIES]:
            raise ValueError(f"{p}: unknown families {bad}; known: {', '.join(FAMILIES)}")
        if bad := [d for d in cfg.dumps if d not in DUMP_KINDS]:
            raise ValueError(f"{p}: unknown dumps {bad}; known: {', '.join(DUMP_KINDS)}")
        for k in ("seeds", "eval_seeds", "corpus_items", "max_iter", "max_leaf_nodes"):
            if not isinstance(getattr(cfg, k), int) or getattr(cfg, k) < 1:
                raise ValueError(f"{p}: {k} must be a positive integer")
        if not isinstance(cfg.scans, int) or not 0 <= cfg.scans <= cfg.seeds:
            raise ValueError(f"{p}: scans must be an integer from 0 to seeds")
        sv = cfg.sim_variants
        if (not isinstance(sv, dict) or not sv or set(sv) - set(VARIANTS)
                or any(isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0 for w in sv.values())
                or not sum(sv.values()) > 0):
            raise ValueError(f"{p}: sim_variants must map variants ({', '.join(VARIANTS)}) to shares >= 0, not all 0")
        if isinstance(cfg.link_seeds, bool) or not isinstance(cfg.link_seeds, int) or cfg.link_seeds < 0:
            raise ValueError(f"{p}: link_seeds must be an integer >= 0")
        if not isinstance(cfg.stacked_roles, bool):
            raise ValueError(f"{p}: stacked_roles must be true or false")
        for k in ("learning_rate", "l2_regularization"):
            if not isinstance(getattr(cfg, k), (int, float)) or getattr(cfg, k) < 0:
                raise ValueError(f"{p}: {k} must be a number >= 0")
        return cfg


@dataclass
class Reading:
    """One way of reading a simulated page, labelled."""

    kind: str  # pdf, scan, pdftotext, pdfminer, text
    page: PageLayout
    roles: list[Role | None]
    articles: list[int | None]
    truth: list[dict]
    family: str
    seed: int


def label_geometry(page: PageLayout, sim: SimPage) -> tuple[list[Role | None], list[int | None]]:
    """Each read line takes the role and article of the drawn line it overlaps most."""
    d = sim.lines
    if not d or not page.lines:
        return [None] * len(page.lines), [None] * len(page.lines)
    dx0 = np.array([x.x0 for x in d]) - 1
    dx1 = np.array([x.x1 for x in d]) + 1
    dy0 = np.array([x.y0 for x in d]) - 1
    dy1 = np.array([x.y1 for x in d]) + 1
    roles, arts = [], []
    for ln in page.lines:
        ov = np.clip(np.minimum(dx1, ln.x1) - np.maximum(dx0, ln.x0), 0, None) * \
            np.clip(np.minimum(dy1, ln.y1) - np.maximum(dy0, ln.y0), 0, None)
        k = int(ov.argmax())
        if ov[k] <= 0:
            roles.append(None)
            arts.append(None)
        else:
            roles.append(Role(d[k].role))
            arts.append(d[k].article)
    return roles, arts


def label_text(page: PageLayout, sim: SimPage) -> tuple[list[Role | None], list[int | None]]:
    """Each dump line takes the role and article of a drawn line with the same text (or, for
    lines of four characters or more, one containing it or contained in it). Short lines such as
    `国。` recur across articles, so among equal candidates the one drawn right after the
    previous line's match wins: dumps keep the drawing order within a column."""
    by_text: dict[str, list[int]] = {}
    for k, x in enumerate(sim.lines):
        by_text.setdefault(_ns.sub("", x.text), []).append(k)
    keys = sorted(by_text, key=len, reverse=True)
    roles, arts = [], []
    prev = -1
    for ln in page.lines:
        t = _ns.sub("", ln.text)
        cands = by_text.get(t)
        if cands is None and len(t) >= 4:
            cands = next((by_text[k] for k in keys if len(k) >= 4 and (k in t or t in k)), None)
        if not cands:
            roles.append(None)
            arts.append(None)
            continue
        k = min(cands, key=lambda c: (c <= prev, abs(c - prev - 1)))
        prev = k
        roles.append(Role(sim.lines[k].role))
        arts.append(sim.lines[k].article)
    return roles, arts


def text_page(sim: SimPage, rng: random.Random) -> PageLayout:
    """A regional-style text page made from a simulated page, labelled as it is made: each
    article's printed lines in reading order, its headline before or after its body (one choice
    per page), blank lines here and there, some lines letter-spaced as dumps of justified columns
    are, the page furniture first."""
    after = rng.random() < 0.3
    lines: list[PageLine] = []
    roles: list[Role] = []
    arts: list[int | None] = []
    by_art: dict[int, list] = {}
    blank = False
    for ln in sim.lines:
        if ln.article is None and ln.role == Role.FURNITURE.value and ln.y0 < sim.height * 0.1:
            lines.append(PageLine(ln.text, blank_before=blank))
            roles.append(Role.FURNITURE)
            arts.append(None)
        elif ln.article is not None:
            by_art.setdefault(ln.article, []).append(ln)
    for aid, group in by_art.items():
        head = [x for x in group if Role(x.role).headline]
        rest = [x for x in group if not Role(x.role).headline]  # drawn in reading order
        for x in (rest + head) if after else (head + rest):
            t = x.text
            if rng.random() < 0.08 and len(t) > 4:
                t = " ".join(t)
            lines.append(PageLine(t, blank_before=blank))
            roles.append(Role(x.role))
            arts.append(aid)
            blank = rng.random() < 0.3
        blank = True
    return PageLayout(lines), roles, arts


def readings(sim: SimPage, kinds: list[str], workdir: Path) -> Iterator[Reading]:
    pdf = workdir / f"{sim.family}-{sim.seed}.pdf"
    pdf.write_bytes(sim.pdf)
    truth = sim.truth()
    page = next(pdf_layouts(pdf), None)
    if page is not None:
        yield Reading("pdf", page, *label_geometry(page, sim), truth, sim.family, sim.seed)
    if "scan" in kinds:  # OCR boxes are labelled like PDF lines, by overlap with what was drawn
        from xinwen.training.scans import scan_layout

        scan = scan_layout(pdf, random.Random(sim.seed))
        if scan is not None and scan.lines:
            yield Reading("scan", scan, *label_geometry(scan, sim), truth, sim.family, sim.seed)
    for kind in kinds:
        text = None
        if kind == "scan":
            continue
        if kind == "text":
            dump, roles, arts = text_page(sim, random.Random(sim.seed))
            yield Reading(kind, dump, roles, arts, truth, sim.family, sim.seed)
            continue
        if kind == "pdftotext" and shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                  text=True, check=False).stdout
        elif kind == "pdfminer":
            from pdfminer.high_level import extract_text

            text = extract_text(str(pdf))
        if text:
            dump = dump_layout(text.split("\f")[0])
            yield Reading(kind, dump, *label_text(dump, sim), truth, sim.family, sim.seed)
    pdf.unlink()


def role_rows(r: Reading, x: np.ndarray | None = None) -> tuple[np.ndarray, list[str], list[int]]:
    """Rows and role labels of the lines the simulator drew; `x`: the page's features, where the
    caller has them already."""
    if x is None:
        x = geometry_features(r.page)[0] if r.kind in ("pdf", "scan") else dump_features(r.page)[0]
    keep = [i for i, role in enumerate(r.roles) if role is not None]
    return x[keep], [r.roles[i].value for i in keep], keep


def start_labels(r: Reading) -> tuple[list[int], list[int]]:
    """Dump lines that open an article: the article differs from the last article line's."""
    rows, labels, last = [], [], None
    for i, (role, art) in enumerate(zip(r.roles, r.articles)):
        if role is None or art is None:
            continue
        rows.append(i)
        labels.append(int(art != last))
        last = art
    return rows, labels


def _is_head(r: Reading, i: int) -> bool:
    """The simulator drew line i as a headline line."""
    return r.roles[i] is not None and r.roles[i].headline


def true_anchors(r: Reading, roles: list[Role]) -> list:
    """Headline groups as printed: the headline lines (in `roles`) of each article together. A line
    `roles` calls a headline that the simulator did not draw as one (a subhead read as a title)
    stays alone, as the head-pair model should leave it."""
    idx = [i for i, x in enumerate(roles) if x.headline]
    first: dict[int, int] = {}
    joined = []
    for i in idx:
        a = r.articles[i]
        if a is None or not _is_head(r, i):
            continue
        if a in first:
            joined.append((first[a], i))
        else:
            first[a] = i
    return group_pairs(r.page, idx, joined)


def head_rows(r: Reading, s: float, roles: list[Role]) -> tuple[np.ndarray, list[int]]:
    """Pairs of lines `roles` calls headlines, labelled one headline (drawn as headline lines of
    the same article) or not."""
    pairs, x = head_pairs(r.page, roles, s)
    return x, [int(r.articles[i] is not None and r.articles[i] == r.articles[j] and _is_head(r, i) and _is_head(r, j))
               for i, j in pairs]


def _majority(r: Reading, idx: list[int]) -> int | None:
    """The article most of the lines `idx` were drawn for (None where none was)."""
    vals = [r.articles[i] for i in idx if r.articles[i] is not None]
    return max(set(vals), key=vals.count) if vals else None


def link_rows(r: Reading, cfg: LayoutConfig, roles: list[Role] | None = None, geometry: tuple | None = None
              ) -> tuple[np.ndarray, list[int], np.ndarray, list[int]]:
    """(block, anchor) pairs, labelled same article or not, and the headline-pair rows; from the
    true roles, or from `roles` guessed by a role model that never saw this page, so the pair
    models also learn what to do with its mistakes (an anchor with no drawn headline line in it
    owns nothing). `geometry`: `geometry_features(r.page)` where the caller has it already."""
    roles = roles or [x if x is not None else Role.FURNITURE for x in r.roles]
    _, _, s, up, down = geometry or geometry_features(r.page)
    hx, hy = head_rows(r, s, roles)
    anc = true_anchors(r, roles)
    body = blocks(r.page, roles, up, down, s, cfg, (Role.BODY, Role.SUBHEAD, Role.BYLINE, Role.DATELINE))
    caps = blocks(r.page, roles, up, down, s, cfg, (Role.CAPTION, Role.CREDIT))
    allb = body + caps
    if not anc or not allb:
        return np.zeros((0, len(LINK_NAMES))), [], hx, hy

    x = link_features(r.page, allb, anc, s, set(range(len(body), len(allb))), up)
    am = [_majority(r, [i for i in a.lines if _is_head(r, i)]) for a in anc]
    bm = [_majority(r, b.lines) for b in allb]
    y = [int(m is not None and m == am[k]) for m in bm for k in range(len(anc))]
    return x, y, hx, hy


def _fit(x: np.ndarray, y: list, names: list[str], cfg: LayoutTrainConfig) -> TreeEnsemble:
    from sklearn.ensemble import HistGradientBoostingClassifier

    m = HistGradientBoostingClassifier(max_iter=cfg.max_iter, learning_rate=cfg.learning_rate,
                                       max_leaf_nodes=cfg.max_leaf_nodes, random_state=cfg.seed,
                                       l2_regularization=cfg.l2_regularization,
                                       early_stopping=False)
    m.fit(x, np.asarray(y))
    return TreeEnsemble.from_sklearn(m, names)


def simulate_readings(families: list[str], seeds: range, pool: TextPool, kinds: list[str],
                      progress=None, variants: dict[str, float] | None = None) -> list[Reading]:
    """The readings (`kinds`) of simulated pages; `variants` mixes the simulator's variants,
    each page drawing one by `variant_of` (default: all base)."""
    out: list[Reading] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fam in families:
            for seed in seeds:
                var = variant_of(fam, seed, variants) if variants else "base"
                out.extend(readings(simulate(fam, seed, pool, var), kinds, Path(tmp)))
                if progress:
                    progress()
    return out


def train_layout(readings_: list[Reading], cfg: LayoutTrainConfig, layout_cfg: LayoutConfig | None = None,
                 card: dict | None = None) -> LayoutReader:
    """Fit the five ensembles on labelled readings, and the two stacked role models where
    `cfg.stacked_roles` (the dump piece linker is fitted apart, `train_dump_links`, on other
    pages). The dump start model and the stacked role models are stacked on role probabilities
    cross-fitted over two halves of the pages, and the PDF pair models see roles cross-fitted the
    same way beside the true ones, so all learn from role guesses as noisy as the ones they will
    see."""
    layout_cfg = layout_cfg or LayoutConfig.from_yaml()
    px, py, lx, ly, hx, hy = [], [], [], [], [], []
    dumps = []  # (page features, role rows, role labels, start rows, start labels, half)
    geo: list[tuple[Reading, tuple, np.ndarray, list[str]]] = []  # (reading, geometry, role rows, labels)
    for r in readings_:
        if r.kind in ("pdf", "scan"):
            g = geometry_features(r.page)
            x, y, _ = role_rows(r, g[0])
            px.append(x)
            py += y
            geo.append((r, g, x, y))
        else:
            x, y, keep = role_rows(r)
            full = dump_features(r.page)[0]
            rows, labels = start_labels(r)
            dumps.append((full, keep, y, rows, labels, r.seed % 2))
    pnames = geometry_features(PageLayout([], 1, 1))[1]
    tnames = dump_features(PageLayout([]))[1]
    # the pair models learn from the true roles and from roles cross-fitted over two halves of
    # the pages: at reading time they see the role model's guesses, mistakes included
    parts = [[g for g in geo if g[0].seed % 2 == h] for h in (0, 1)]
    guessers = [_fit(np.concatenate([g[2] for g in part]), sum((g[3] for g in part), []), pnames, cfg)
                if part else None for part in parts]
    sx2, sy2, s2names = [], [], []  # the stacked role model's rows, on the other half's guesses
    for r, g, _, y in geo:
        other = guessers[1 - r.seed % 2]
        if other is not None and cfg.stacked_roles:
            keep = [i for i, role in enumerate(r.roles) if role is not None]
            st, extra = stacked_geometry(g[0], role_probabilities(other.predict_proba(g[0]), other.classes), g[3], g[4])
            s2names = pnames + extra
            sx2.append(st[keep])
            sy2 += y
        guesses = [None] if other is None else [None, [Role(c) for c in other.predict(g[0])]]
        for roles in guesses:
            a, b, c, d = link_rows(r, layout_cfg, roles, g)
            lx.append(a)
            ly += b
            hx.append(c)
            hy += d

    def roles_fit(part) -> TreeEnsemble:
        return _fit(np.concatenate([d[0][d[1]] for d in part]), sum((d[2] for d in part), []), tnames, cfg)

    text_roles = roles_fit(dumps)
    halves = [roles_fit([d for d in dumps if d[5] == h]) for h in (0, 1)]
    sx, sy = [], []
    snames: list[str] = []
    tx2, ty2, t2names = [], [], []
    for full, keep, y, rows, labels, half in dumps:
        other = halves[1 - half]
        guess = other.predict_proba(full)  # one pass feeds both the start model and the stacked role model
        st, extra = start_features(full, guess, other.classes)
        snames = tnames + extra
        sx.append(st[rows])
        sy += labels
        if cfg.stacked_roles:
            st2, extra2 = stacked_dump(full, role_probabilities(guess, other.classes))
            t2names = tnames + extra2
            tx2.append(st2[keep])
            ty2 += y
    return LayoutReader(
        _fit(np.concatenate(px), py, pnames, cfg),
        _fit(np.concatenate(hx), hy, HEAD_PAIR_NAMES, cfg),
        _fit(np.concatenate(lx), ly, LINK_NAMES, cfg),
        text_roles,
        _fit(np.concatenate(sx), sy, snames, cfg),
        config=layout_cfg,
        pdf_roles2=_fit(np.concatenate(sx2), sy2, s2names, cfg) if sx2 else None,
        text_roles2=_fit(np.concatenate(tx2), ty2, t2names, cfg) if tx2 else None,
        card={**(card or {}), "training": asdict(cfg), "layout_config": asdict(layout_cfg),
              "examples": {"pdf_lines": len(py), "head_pairs": len(hy), "links": len(ly), "dump_lines": sum(len(d[2]) for d in dumps)}},
    )


def dump_link_rows(reader: LayoutReader, r: Reading) -> tuple[np.ndarray, list[int]]:
    """(article so far, headless piece) rows of one dump as `reader` cuts it, labelled "the piece
    belongs to that article" by the articles the simulator drew. The articles so far are the
    true ones (each piece joins its own article before the next is scored), so every row asks
    the question the reader will ask."""
    d = reader.dump_pieces(r.page)
    if d.way != DumpCut.BEFORE:
        return np.zeros((0, len(DUMP_LINK_NAMES))), []
    heads = [x.headline for x in d.roles]

    arts: list[list[int]] = []
    ids: list[int | None] = []
    xs, ys = [], []
    for b, pc in enumerate(d.pieces):
        m = _majority(r, pc)
        if arts and not any(heads[i] for i in pc):
            xs.append(dump_link_features(r.page, d.x, d.names, d.start_p, heads, d.pieces, arts, b))
            ys += [int(m is not None and a == m) for a in ids]
            if m is not None and m in ids:
                arts[ids.index(m)].append(b)
                continue
        arts.append([b])
        ids.append(m)
    return (np.concatenate(xs) if xs else np.zeros((0, len(DUMP_LINK_NAMES)))), ys


def train_dump_links(reader: LayoutReader, readings_: list[Reading], cfg: LayoutTrainConfig) -> LayoutReader:
    """Fit the dump piece linker on dumps the reader's role and start models never saw, so the
    pieces are cut as they will be at reading time, mistakes included."""
    xs, ys = [], []
    for r in readings_:
        if r.kind in DUMP_KINDS:
            x, y = dump_link_rows(reader, r)
            xs.append(x)
            ys += y
    if len(set(ys)) == 2:
        reader.text_links = _fit(np.concatenate(xs), ys, DUMP_LINK_NAMES, cfg)
        reader.card.setdefault("examples", {})["dump_links"] = len(ys)
    return reader


def evaluate_reader(reader: LayoutReader, readings_: list[Reading]) -> dict[str, dict]:
    """Exact and 8-gram article F1 per family and reading kind, with the slowest page's time."""
    import time

    from xinwen.training.segment_eval import SegScore, score_page

    by: dict[tuple[str, str], SegScore] = {}
    slowest = 0.0
    for r in readings_:
        t = time.perf_counter()
        arts = reader.segment(r.page)
        slowest = max(slowest, time.perf_counter() - t)
        by.setdefault((r.family, r.kind), SegScore()).add(score_page(arts, r.truth))
    out = {f"{f}/{k}": {"pages": v.pages, "articles": v.truth, "exact_f1": round(v.exact_f1, 4),
                        "overlap_f1": round(v.f1, 4), "title_acc": round(v.title_acc, 4)} for (f, k), v in sorted(by.items())}
    out["slowest_page_s"] = round(slowest, 3)
    return out


def train_layout_model(corpus: str | Path, out: str | Path, config: str | Path | None = None,
                       quiet: bool = False) -> dict:
    """Simulate pages from the corpus, fit the reader, score it on held-out families and seeds,
    and save it with its card (seeds, config, data hash, metrics). Returns the card."""
    from xinwen.ui import progress_bar

    cfg = LayoutTrainConfig.from_yaml(config)
    layout_cfg = LayoutConfig.from_yaml()
    train_pool = TextPool.from_corpus(corpus, held_out=False, limit=cfg.corpus_items)
    eval_pool = TextPool.from_corpus(corpus, held_out=True, limit=max(cfg.corpus_items // 5, 1000))
    eval_families = list(dict.fromkeys(cfg.families + list(HELD_OUT_FAMILIES)))
    with progress_bar(quiet) as bar:
        task = bar.add_task("simulating pages", total=len(cfg.families) * cfg.seeds, info="")
        # the first `scans` seeds of each family are also scanned and read by OCR
        mix = cfg.sim_variants
        train = simulate_readings(cfg.families, range(cfg.scans), train_pool, [*cfg.dumps, "scan"],
                                  lambda: bar.advance(task), mix)
        train += simulate_readings(cfg.families, range(cfg.scans, cfg.seeds), train_pool, cfg.dumps,
                                   lambda: bar.advance(task), mix)
        etask = bar.add_task("held-out pages", total=len(eval_families) * cfg.eval_seeds, info="")
        held_scans = min(cfg.eval_seeds, 2) if cfg.scans else 0
        held = simulate_readings(eval_families, range(HELD_OUT_SEED, HELD_OUT_SEED + held_scans), eval_pool,
                                 [*cfg.dumps, "scan"], lambda: bar.advance(etask), mix)
        held += simulate_readings(eval_families, range(HELD_OUT_SEED + held_scans, HELD_OUT_SEED + cfg.eval_seeds),
                                  eval_pool, cfg.dumps, lambda: bar.advance(etask), mix)
        ftask = bar.add_task("fitting", total=1, info="tree ensembles")
        reader = train_layout(train, cfg, layout_cfg, card={
            "corpus": Path(corpus).name, "corpus_sha256": file_sha256(corpus), "held_out_families": list(HELD_OUT_FAMILIES),
            "held_out_seed": HELD_OUT_SEED})
        bar.advance(ftask)
        if cfg.link_seeds and cfg.dumps:
            ltask = bar.add_task("dump linker pages", total=len(cfg.families) * cfg.link_seeds, info="")
            link_pages = simulate_readings(cfg.families, range(cfg.seeds, cfg.seeds + cfg.link_seeds), train_pool,
                                           cfg.dumps, lambda: bar.advance(ltask), mix)
            train_dump_links(reader, link_pages, cfg)
    reader.save_pretrained(out)  # fitted is kept even if scoring fails
    reader.card["heldout"] = evaluate_reader(reader, held)
    reader.save_pretrained(out)
    return reader.card


