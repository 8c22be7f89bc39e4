"""Fit the reading judge (`xinwen train-judge`): which of the two readers' articles to keep.

Three parts, all from data nobody marked by hand:
1. an opening model (hashed character n-grams, logistic): a corpus article's first paragraph
   (credits taken off, as pages have them) against one of its later paragraphs;
2. IDF weights of character bigrams over the same corpus items;
3. the junction model (gradient-boosted trees): both readers read simulated PDF pages of the
   training families, from seeds the layout reader never trained on (`first_seed`), and every
   junction of their output is labelled by the truth: does this paragraph belong to the article
   that most of the paragraphs before it belong to?
The corpus split is the page simulator's (`TextPool`: one item in five held out), so the held-out
figures in the card are on items and pages neither part saw.
"""

from __future__ import annotations

import gzip
import json
import random
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from xinwen.inference.segmentation import Segmenter
from xinwen.inference.segmentation.credits import split_credits
from xinwen.inference.segmenter import file_articles
from xinwen.models.forest import TreeEnsemble
from xinwen.models.headline_style import HeadlineStyle, design
from xinwen.models.reading_judge import (
    FEATURES,
    OPENING_CHARS,
    ArticleText,
    ReadingJudge,
    bigram_ids,
    junctions,
    likeliest,
)
from xinwen.training.layout_train import DUMP_KINDS, readings
from xinwen.training.pagesim import (
    HELD_OUT_FAMILIES,
    HELD_OUT_SEED,
    TRAIN_FAMILIES,
    VARIANTS,
    TextPool,
    in_held_out_split,
    simulate,
    variant_of,
)
from xinwen.training.segment_eval import grams, norm_body

from xinwen.settings import file_sha256


@dataclass
class JudgeTrainConfig:
    """`configs/judge_train.yaml`, validated: unknown keys and bad values are refused."""

    corpus_items: int = 30000  # corpus articles the opening model and the IDF weights learn from
    buckets: int = 2 ** 18  # hashed n-gram buckets (opening model and bigram IDF)
    families: list[str] = field(default_factory=lambda: list(TRAIN_FAMILIES))
    seeds: int = 80  # simulated pages a family, read by both readers
    first_seed: int = 200  # after every seed `train-layout` uses (60 + 30 linker pages a family)
    eval_seeds: int = 6  # held-out pages a family (seeds from HELD_OUT_SEED + 200), scored into the card
    sim_variants: dict[str, float] = field(default_factory=lambda: {"base": 0.5, "subheads": 0.5})
    dumps: list[str] = field(default_factory=list)  # text dumps of each page read too: pdftotext, pdfminer, text
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    seed: int = 0

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> JudgeTrainConfig:
        from xinwen.settings import dataclass_yaml

        data, p = dataclass_yaml(cls, path, "judge_train")
        cfg = cls(**data)
        if bad := [f for f in cfg.families if f not in TRAIN_FAMILIES]:
            raise ValueError(f"{p}: families must be training families ({', '.join(TRAIN_FAMILIES)}), not {bad}")
        for k in ("corpus_items", "buckets", "seeds", "first_seed", "eval_seeds", "max_iter", "max_leaf_nodes"):
            v = getattr(cfg, k)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{p}: {k} must be a positive integer, not {v!r}")
        if not isinstance(cfg.sim_variants, dict) or not cfg.sim_variants or set(cfg.sim_variants) - set(VARIANTS) \
                or any(not isinstance(v, (int, float)) or v < 0 for v in cfg.sim_variants.values()) \
                or sum(cfg.sim_variants.values()) <= 0:
            raise ValueError(f"{p}: sim_variants must map variants ({', '.join(VARIANTS)}) to non-negative shares")
        if bad := [d for d in cfg.dumps if d not in DUMP_KINDS]:
            raise ValueError(f"{p}: unknown dumps {bad}; known: {', '.join(DUMP_KINDS)}")
        if not 0 < cfg.learning_rate <= 1:
            raise ValueError(f"{p}: learning_rate must be in (0, 1]")
        return cfg


# --- corpus parts ----------------------------------------------------------------------------------
def corpus_bodies(corpus: str | Path, held_out: bool, limit: int) -> list[list[str]]:
    """Paragraphs of corpus articles of one side of the simulator's split, the first one's
    credits (`新华社北京5月9日电`, `本报讯`) off as a page's reader takes them off."""
    out: list[list[str]] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if in_held_out_split(r["id"]) != held_out or len(r.get("text") or "") < 300:
                continue
            paras = [p.strip() for p in r["text"].split("\n") if p.strip()]
            if paras:
                paras[0] = split_credits(paras[0])[2].strip()
            paras = [p for p in paras if len(p) >= 10]
            if len(paras) >= 2:
                out.append(paras)
                if len(out) >= limit:
                    break
    return out


def opening_examples(bodies: list[list[str]], rng: random.Random) -> tuple[list[str], np.ndarray]:
    """Each body's first paragraph (an opening) and one later paragraph (not one)."""
    texts, y = [], []
    for paras in bodies:
        texts += [paras[0][:OPENING_CHARS], paras[rng.randrange(1, len(paras))][:OPENING_CHARS]]
        y += [1, 0]
    return texts, np.asarray(y)


def fit_opening(bodies: list[list[str]], buckets: int, seed: int) -> HeadlineStyle:
    from sklearn.linear_model import LogisticRegression

    texts, y = opening_examples(bodies, random.Random(seed))
    lr = LogisticRegression(C=1.0, max_iter=1000, solver="liblinear").fit(design(texts, buckets), y)
    return HeadlineStyle(lr.coef_[0].astype(np.float32), float(lr.intercept_[0]), buckets)


def fit_idf(bodies: list[list[str]], buckets: int) -> np.ndarray:
    df = np.zeros(buckets, np.float64)
    for paras in bodies:
        df[list(bigram_ids("".join(paras), buckets))] += 1
    return (np.log((len(bodies) + 1) / (df + 1)) + 1).astype(np.float32)


# --- junctions of simulated pages ------------------------------------------------------------------
@dataclass
class PageReading:
    """Both readers' articles on one simulated page, with its truth."""

    family: str
    seed: int
    truth: list[dict]
    readings: dict[str, list[ArticleText]]


def read_simulated(families: list[str], seeds: range, pool: TextPool, variants: dict[str, float],
                   progress: Callable[[], None] | None = None, dumps: tuple[str, ...] = ()) -> list[PageReading]:
    """Each page as `run` reads a PDF, through both readers, furniture off; and each of `dumps`
    (`pdftotext`, `pdfminer`, `text`) of it as `run` reads a text file."""
    from xinwen.inference.segmentation import segment_page
    from xinwen.inference.segmenter import without_furniture

    both = (Segmenter.RULES, Segmenter.LEARNED)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for fam in families:
            for seed in seeds:
                sim = simulate(fam, seed, pool, variant_of(fam, seed, variants))
                pdf = Path(tmp) / "page.pdf"
                pdf.write_bytes(sim.pdf)
                truth = sim.truth()
                out.append(PageReading(fam, seed, truth, {
                    seg.value: [ArticleText.of(a) for a in file_articles(pdf, seg)] for seg in both}))
                for r in readings(sim, list(dumps), Path(tmp)) if dumps else ():
                    if r.kind != "pdf":
                        out.append(PageReading(fam, seed, truth, {seg.value: [
                            ArticleText.of(a) for a in without_furniture(r.page, segment_page(r.page, seg))[0]]
                            for seg in both}))
                if progress:
                    progress()
    return out


def junction_labels(arts: list[ArticleText], truth: list[dict]) -> list[int]:
    """1 where a junction's paragraph belongs to the truth article most paragraphs before it
    belong to (by character 4-grams, half of the paragraph's at least), else 0."""
    tg = [grams(norm_body(t["text"]), 4) for t in truth]

    def owner(p: str) -> int | None:
        g = grams(norm_body(p), 4)
        if not g or not tg:
            return None
        k = max(range(len(tg)), key=lambda i: len(g & tg[i]))
        return k if len(g & tg[k]) >= 0.5 * len(g) else None

    out = []
    for j in junctions(arts):
        before = Counter(o for o in map(owner, j.before) if o is not None).most_common(1)
        mine = owner(j.paragraph)
        out.append(int(mine is not None and bool(before) and before[0][0] == mine))
    return out


def junction_matrix(judge: ReadingJudge, pages: list[PageReading]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for pg in pages:
        for arts in pg.readings.values():
            js = list(junctions(arts))
            if js:
                xs.append(judge.features(js))
                ys += junction_labels(arts, pg.truth)
    return (np.vstack(xs) if xs else np.zeros((0, len(FEATURES)))), np.asarray(ys)


def choice_scores(judge: ReadingJudge, pages: list[PageReading], unplaced_p: float,
                  prior_weight: float) -> dict[str, dict[str, int]]:
    """Articles found (8-gram overlap) by each reader and by the judge's pick, on `pages`."""
    from xinwen.training.segment_eval import SegScore, score_page

    tot = {k: SegScore() for k in ("rules", "learned", "judged")}
    for pg in pages:
        as_dicts = {k: [{"text": "\n".join(a.paragraphs), "title": a.headline} for a in v] for k, v in pg.readings.items()}
        s = judge.compare(pg.readings, unplaced_p, prior_weight)
        pick = likeliest(s, Segmenter.LEARNED.value)  # as `auto` picks
        for k in ("rules", "learned"):
            tot[k].add(score_page(as_dicts[k], pg.truth))
        tot["judged"].add(score_page(as_dicts[pick], pg.truth))
    return {k: {"found": v.found, "exact": v.exact, "predicted": v.pred, "truth": v.truth} for k, v in tot.items()}


def train_judge(corpus: str | Path, out: str | Path, config: str | Path | None = None, quiet: bool = False,
                layout_model: str | Path | None = None) -> ReadingJudge:
    """Fit the three parts, score the held-out corpus split and held-out pages, save the folder
    with its card (config, seeds, data hash, the layout reader it judged, metrics). The learned
    reader whose output it learns from is the shipped one, or `layout_model`."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from xinwen.inference.segmentation.layout import LayoutConfig
    from xinwen.inference.segmentation.reader import LayoutReader

    from xinwen.settings import ASSETS
    from xinwen.ui import progress_bar

    cfg = JudgeTrainConfig.from_yaml(config)
    layout_cfg = LayoutConfig.from_yaml()
    layout_dir = Path(layout_model) if layout_model else ASSETS / "layout"
    LayoutReader.use_as_bundled(layout_dir)
    with progress_bar(quiet) as bar:
        task = bar.add_task("opening model and IDF", total=1, info="corpus")
        bodies = corpus_bodies(corpus, False, cfg.corpus_items)
        judge = ReadingJudge(fit_opening(bodies, cfg.buckets, cfg.seed), fit_idf(bodies, cfg.buckets), None)
        held = corpus_bodies(corpus, True, 3000)
        ht, hy = opening_examples(held, random.Random(cfg.seed + 1))
        opening_auc = float(roc_auc_score(hy, judge.opening.score(ht)))
        bar.advance(task)
        pool = TextPool.from_corpus(corpus, held_out=False)
        seeds = range(cfg.first_seed, cfg.first_seed + cfg.seeds)
        task = bar.add_task("reading simulated pages", total=len(cfg.families) * cfg.seeds, info="both readers")
        pages = read_simulated(cfg.families, seeds, pool, cfg.sim_variants, lambda: bar.advance(task), tuple(cfg.dumps))
        x, y = junction_matrix(judge, pages)
        if len(set(y.tolist())) < 2:
            raise ValueError("the simulated pages gave junctions of one kind only: raise `seeds`")
        hgb = HistGradientBoostingClassifier(max_iter=cfg.max_iter, learning_rate=cfg.learning_rate,
                                             max_leaf_nodes=cfg.max_leaf_nodes, random_state=cfg.seed).fit(x, y)
        judge.junction = TreeEnsemble.from_sklearn(hgb, FEATURES)
        eval_pool = TextPool.from_corpus(corpus, held_out=True, limit=4000)
        eval_seeds = range(HELD_OUT_SEED + 200, HELD_OUT_SEED + 200 + cfg.eval_seeds)
        eval_families = list(dict.fromkeys(cfg.families + list(HELD_OUT_FAMILIES)))
        task = bar.add_task("reading held-out pages", total=len(eval_families) * cfg.eval_seeds, info="both readers")
        held_pages = read_simulated(eval_families, eval_seeds, eval_pool, cfg.sim_variants, lambda: bar.advance(task),
                                    tuple(cfg.dumps))
    hx, hyj = junction_matrix(judge, held_pages)
    judge.card = {
        "what": "reading judge: which reader's articles `--segmenter auto` keeps (models/reading_judge.py)",
        "corpus": Path(corpus).name, "corpus_sha256": file_sha256(corpus), "config": asdict(cfg),
        "layout_model": "bundled" if layout_model is None else str(layout_dir), "layout_model_sha256": file_sha256(layout_dir / "layout.json"),
        "examples": {"opening_bodies": len(bodies), "junctions": int(len(y)), "runs_on_share": round(float(y.mean()), 4),
                     "pages": len(pages)},
        "held_out": {
            "opening_auc": round(opening_auc, 4),
            "junction_auc": round(float(roc_auc_score(hyj, judge.junction.predict_proba(hx)[:, 1])), 4)
            if len(set(hyj.tolist())) == 2 else None,
            "pages": f"{', '.join(eval_families)}: seeds {eval_seeds.start}-{eval_seeds.stop - 1}, held-out text",
            "articles": choice_scores(judge, held_pages, layout_cfg.judge_unplaced_p, layout_cfg.judge_prior_weight)},
    }
    judge.save_pretrained(out)
    return judge


__all__ = ["JudgeTrainConfig", "train_judge"]
