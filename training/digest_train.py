"""Train and evaluate the digest span ranker on (body, real headline) pairs from the corpus.

The target of each candidate span is its character ROUGE-L against the headline, so the
ranker learns what editors lift into headlines without any hand labelling.
"""

from __future__ import annotations

import json
import time
from itertools import islice
from pathlib import Path

import numpy as np
import yaml
from xinwen.inference.digest import Digester, lead, textrank
from xinwen.inference.rouge import rouge_all, rouge_l, strip_ws
from xinwen.models.digest import FEATURES, DigestRanker, span_features
from xinwen.models.headline_style import HeadlineStyle, design
from xinwen.models.spans import candidates
from xinwen.models.textclean import normalise_text
from xinwen.training.corpus import iter_items

from xinwen.settings import file_sha256, load_checked_config, stable_bucket
from xinwen.ui import progress_bar


def pairs(paths: list[str], heldout_every: int, heldout: bool, limit: int):
    """(body, title) pairs: items with a real headline and a body longer than it."""
    def ok(it):
        t = strip_ws(it.get("title") or "")
        return 4 <= len(t) <= 60 and len(it["text"]) > 2 * len(t)

    it = (x for x in iter_items(paths) if ok(x) and (stable_bucket(x["id"], heldout_every) == 0) == heldout)
    return list(islice(it, limit))


def style_examples(items: list[dict], max_chars: int, seed: int, quiet: bool = True,
                   head_rouge: float = 0.75) -> tuple[list[str], list[str]]:
    """Headlines and body spans for the headline-style model. Headlines: each real headline
    (whitespace and closing punctuation removed, at most 2×`max_chars`) and every candidate span
    of its body within ROUGE-L `head_rouge` of it, the headline as the body words it (with its date, its
    full names): without them the model learns the marks of a rewritten headline, which no span
    has, more than the shape of a statement. Body spans: up to two candidates of each body under
    ROUGE-L 0.5 of its headline."""
    rng = np.random.default_rng(seed)
    heads, neg = [], []
    with progress_bar(quiet) as bar:
        task = bar.add_task("headline style", total=len(items), info="")
        for it in items:
            title = strip_ws(it["title"]).strip("。！？!?；;，,")
            if 4 <= len(title) <= 2 * max_chars:
                heads.append(title)
            spans = [s.text for s in candidates(normalise_text(it["text"]), max_chars)]
            scores = [rouge_l(t, title) for t in spans]
            heads += [t for t, r in zip(spans, scores) if r >= head_rouge]
            spans = [t for t, r in zip(spans, scores) if r < 0.5]
            for k in rng.permutation(len(spans))[:2]:
                neg.append(spans[k])
            bar.update(task, advance=1)
    return heads, neg


def fit_headline_style(items: list[dict], max_chars: int, seed: int, buckets: int = 2 ** 18,
                       c: float = 1.0, quiet: bool = False, head_rouge: float = 0.75) -> HeadlineStyle:
    """A logistic model on `style_examples`: headline against body span, classes balanced."""
    from sklearn.linear_model import LogisticRegression

    heads, neg = style_examples(items, max_chars, seed, quiet, head_rouge)
    X = design(heads + neg, buckets)
    y = np.r_[np.ones(len(heads)), np.zeros(len(neg))]
    lr = LogisticRegression(C=c, class_weight="balanced", max_iter=1000, solver="liblinear").fit(X, y)
    return HeadlineStyle(lr.coef_[0].astype(np.float32), float(lr.intercept_[0]), buckets)


def build_matrix(items: list[dict], max_chars: int, quiet: bool = False, style: HeadlineStyle | None = None):
    Xs, ys, groups = [], [], []
    with progress_bar(quiet) as bar:
        task = bar.add_task("features", total=len(items), info="")
        for g, it in enumerate(items):
            body = normalise_text(it["text"])
            spans = candidates(body, max_chars)
            if spans:
                title = strip_ws(it["title"])
                Xs.append(span_features(body, spans, max_chars, style=style))
                ys.append(np.array([rouge_l(s.text, title) for s in spans], dtype=np.float32))
                groups.append(np.full(len(spans), g))
            bar.update(task, advance=1)
    return np.concatenate(Xs), np.concatenate(ys), np.concatenate(groups)


def fit_ranker(X: np.ndarray, y: np.ndarray, hidden=(64, 32), seed: int = 13, members: int = 1,
               style: HeadlineStyle | None = None) -> DigestRanker:
    """`members` MLPs from seeds `seed`, `seed`+1, …, their scores averaged: one 30-epoch MLP's
    held-out ROUGE-L moves by ±0.003 with its seed alone, as much as a feature change does."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor
    from sklearn.preprocessing import StandardScaler

    sc = StandardScaler().fit(X)
    Z = sc.transform(X)
    w = {"mean": sc.mean_.astype(np.float32), "scale": sc.scale_.astype(np.float32)}
    n_layers = len(hidden) + 1
    batch = max(1, min(512, int(len(Z) * 0.9)))  # early stopping holds out a tenth
    for m in range(members):
        mlp = MLPRegressor(hidden_layer_sizes=hidden, alpha=1e-4, batch_size=batch, learning_rate_init=1e-3,
                           max_iter=30, early_stopping=True, random_state=seed + m)
        with warnings.catch_warnings():  # 30 epochs is the budget, not a failure to converge
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp.fit(Z, y)
        for i, (W, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
            w[f"m{m}.W{i}"], w[f"m{m}.b{i}"] = W.astype(np.float32), b.astype(np.float32)
    return DigestRanker(w, {"n_layers": n_layers, "members": members, "hidden": list(hidden)}, style)


def evaluate_digests(items: list[dict], methods: dict, max_chars: int = 30, quiet: bool = False) -> dict:
    """Mean char ROUGE-1/2/L F1 against the title for each method, plus the extractive oracle."""
    sums = {m: {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0} for m in [*methods, "oracle"]}
    with progress_bar(quiet) as bar:
        task = bar.add_task("evaluate", total=len(items), info="")
        for it in items:
            for m, fn in methods.items():
                for k, v in rouge_all(fn(it["text"]), it["title"]).items():
                    sums[m][k] += v
            body = normalise_text(it["text"])
            spans = candidates(body, max_chars)
            best = max(spans, key=lambda s: rouge_l(s.text, strip_ws(it["title"])), default=None)
            for k, v in rouge_all(best.text if best else "", it["title"]).items():
                sums["oracle"][k] += v
            bar.update(task, advance=1)
    n = max(len(items), 1)
    return {m: {k: round(v / n, 4) for k, v in d.items()} for m, d in sums.items()} | {"n": len(items)}


DIGEST_SCHEMA = {"seed": int, "members": int, "max_chars": int, "style_items": int, "train_items": int,
                 "eval_items": int, "heldout_every": int, "dangling_margin": (int, float),
                 "style_head_rouge": (int, float)}


def train_digest(corpus: list[str], out_dir: str, config: str | None = None, quiet: bool = False,
                 limit: int | None = None) -> dict:
    """Library entry point behind `xinwen train-digest`."""
    cfg = load_checked_config(config, "digest", DIGEST_SCHEMA)
    t0 = time.time()
    style_items = pairs(corpus, cfg["heldout_every"], False, limit or cfg["style_items"])
    style = fit_headline_style(style_items, cfg["max_chars"], cfg["seed"], quiet=quiet,
                               head_rouge=float(cfg["style_head_rouge"]))
    items = style_items[: limit or cfg["train_items"]]
    X, y, _ = build_matrix(items, cfg["max_chars"], quiet, style)
    ranker = fit_ranker(X, y, seed=cfg["seed"], members=int(cfg.get("members", 1)), style=style)
    ranker.meta["dangling_margin"] = float(cfg.get("dangling_margin", 0.0))  # before the held-out check uses it
    held = pairs(corpus, cfg["heldout_every"], True, cfg.get("eval_items", 1000))
    res = evaluate_digests(held, {"learned": lambda t: ranker.best(t, cfg["max_chars"]),
                                  "lead": lambda t: lead(t, cfg["max_chars"]),
                                  "textrank": lambda t: textrank(t, cfg["max_chars"])}, cfg["max_chars"], quiet)
    ranker.meta.update(max_chars=cfg["max_chars"], train_items=len(items), style_items=len(style_items),
                       candidates=int(len(y)),
                       heldout=res, minutes=round((time.time() - t0) / 60, 1),
                       data=[{"path": c, "sha256": file_sha256(c)} for c in corpus], config=cfg)
    ranker.save_pretrained(out_dir)
    out = Path(out_dir)
    (out / "training_config.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True))
    (out / "metrics.json").write_text(json.dumps(res, indent=1))
    write_digest_card(out, ranker.meta, res)
    return res


def rouge_table(res: dict) -> str:
    rows = "\n".join(f"| {m} | {r['rouge1']:.3f} | {r['rouge2']:.3f} | {r['rougeL']:.3f} |"
                     for m, r in res.items() if m != "n")
    return f"| method | ROUGE-1 | ROUGE-2 | ROUGE-L |\n|---|---|---|---|\n{rows}\n"


def write_digest_card(out: Path, meta: dict, res: dict) -> None:
    (out / "README.md").write_text(f"""# xinwen digest ranker

Extractive: scores every clause-run span of the body (≤ {meta['max_chars']} characters, word- and
number-safe; a clause longer than that offers its head and its tail, and the first three sentences
offer windows that open on the actor after a title or a `…的` modifier) with the average of
{meta.get('members', 1)} MLP(s) (seeds from {meta['config']['seed']}) over {len(FEATURES)} span features
({', '.join(FEATURES)}), trained to predict each span's character ROUGE-L against the article's
real headline. A span cut mid-phrase gives way to a whole one scoring within
{meta.get('dangling_margin', 0.0)} of it (`dangling_margin`). `headline_style` is the log-odds of a
logistic model on hashed character 1–3-grams (`headline_style.safetensors`) that the span is a
headline rather than a body span, learnt from {meta.get('style_items', '?')} corpus items' real headlines (and their
bodies' spans within ROUGE-L {meta['config'].get('style_head_rouge', 0.75)} of them) against other spans of their bodies.
Trained on {meta['train_items']} corpus items ({meta['candidates']} candidate spans) in {meta['minutes']} minutes.

## Held-out items ({res['n']}, never trained on): character ROUGE F1 against the real headline
{rouge_table(res)}""", encoding="utf-8")


def evaluate_digest_file(data: str, report: str | None = None, model_dir: str | None = None,
                         max_chars: int = 30, limit: int | None = None) -> dict:
    """Library function behind `xinwen evaluate-digest`: records with `title` and `text`."""
    from xinwen.inference.sources import read_records

    items = [r for r in islice(read_records(data), limit) if strip_ws(str(r.get("title") or ""))]
    learned = Digester("learned", model_dir, max_chars)
    res = evaluate_digests(items, {"learned": learned, "lead": lambda t: lead(t, max_chars),
                                   "textrank": lambda t: textrank(t, max_chars)}, max_chars)
    if report:
        out = Path(report)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(res, indent=1))
        (out / "report.md").write_text(f"# Digest evaluation on `{data}` ({res['n']} items)\n\n{rouge_table(res)}")
    return res
