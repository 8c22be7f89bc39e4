"""Held-out evaluation of a theme model: scikit-learn metrics, confusion matrix, calibration.

`evaluate_model` is the library function behind `xinwen evaluate` (spaCy's evaluate is the
model: a function first, a thin CLI over it).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
from xinwen.models.theme_io import decide
from xinwen.training.seen import seen_counts, seen_warning


def expected_calibration_error(probs: np.ndarray, hits: np.ndarray, bins: int = 10) -> float:
    """ECE over every (article, theme) score: |accuracy − confidence| averaged over equal-width bins."""
    probs, hits = probs.ravel(), hits.ravel().astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    err = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (probs >= lo) & ((probs < hi) if hi < 1.0 else (probs <= hi))
        if sel.any():
            err += sel.mean() * abs(hits[sel].mean() - probs[sel].mean())
    return float(err)


def evaluate_scores(scores: np.ndarray, data, themes, other, thresholds) -> dict:
    classes = [*themes, other]
    dec = decide(scores, themes, np.asarray(thresholds), other)
    gold, pred = list(data["primary"]), [d["theme"] for d in dec]
    y_true = np.array([[t in labs for t in themes] for labs in data["labels"]], dtype=int)
    y_pred = np.array([[t in d["themes"] for t in themes] for d in dec], dtype=int)
    return {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, pred)),
        "macro_f1": float(f1_score(gold, pred, labels=classes, average="macro", zero_division=0)),
        "micro_f1_multilabel": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        "ece": expected_calibration_error(scores, y_true),
        "per_class": classification_report(gold, pred, labels=classes, output_dict=True, zero_division=0),
        "report_text": classification_report(gold, pred, labels=classes, digits=3, zero_division=0),
        "confusion": {"labels": classes, "matrix": confusion_matrix(gold, pred, labels=classes).tolist()},
        "predictions": pred,
    }


def confusion_text(conf: dict) -> str:
    labs = conf["labels"]
    w = max(len(x) for x in labs) + 1
    head = " " * w + "".join(f"{x[:6]:>7}" for x in labs)
    rows = [f"{a:<{w}}" + "".join(f"{v:>7}" for v in r) for a, r in zip(labs, conf["matrix"])]
    return "\n".join([head + "   (rows: gold, columns: predicted)", *rows])


def confusion_png(conf: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = np.asarray(conf["matrix"])
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(m, cmap="Blues")
    ax.set_xticks(range(len(conf["labels"])), conf["labels"], rotation=45, ha="right")
    ax.set_yticks(range(len(conf["labels"])), conf["labels"])
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, str(m[i, j]), ha="center", va="center", color="white" if m[i, j] > m.max() / 2 else "black")
    ax.set(xlabel="predicted", ylabel="gold", title="theme confusion matrix")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def evaluate_model(model_dir: str | None, data_path: str, report_dir: str | None = None,
                   compare_dir: str | None = None, backend: str = "auto") -> dict:
    """Score a theme model (and optionally a second one) on labelled data; write a report."""
    from xinwen.models.theme import ThemeModel
    from xinwen.training.labelled import load_labelled

    labels = load_labelled(data_path)
    results = {}
    for name, d in (("model", model_dir), ("compare", compare_dir)):
        if name == "compare" and not d:
            continue
        m = ThemeModel.from_pretrained(d, backend=backend)
        scores = m.predict_scores(labels["title"], labels["text"])
        res = evaluate_scores(scores, labels, m.themes, m.other, m.thresholds)  # the model's own taxonomy
        res["model_dir"] = str(m.path)
        res["seen"] = seen_counts(m.path, labels)
        results[name] = res
    if report_dir:
        write_report(results, Path(report_dir), data_path)
    return results


def write_report(results: dict, out: Path, data_path: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    slim = {k: {kk: vv for kk, vv in v.items() if kk not in ("predictions", "report_text")} for k, v in results.items()}
    (out / "metrics.json").write_text(json.dumps(slim, indent=1, ensure_ascii=False))
    lines = [f"# Theme evaluation on `{data_path}`", ""]
    warnings = [f"**Not held out**, {k}: {w}." for k, r in results.items() if (w := seen_warning(r["seen"], data_path))]
    lines += [*warnings, ""] if warnings else []
    lines += ["| model | accuracy | macro-F1 (7 primary classes) | multi-label micro-F1 | ECE |", "|---|---|---|---|---|"]
    for k, r in results.items():
        lines.append(f"| {k}: `{r['model_dir']}` | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | "
                     f"{r['micro_f1_multilabel']:.3f} | {r['ece']:.3f} |")
    for k, r in results.items():
        confusion_png(r["confusion"], out / f"confusion_{k}.png")
        lines += ["", f"## {k}", "", "```", r["report_text"], confusion_text(r["confusion"]), "```",
                  f"![confusion](confusion_{k}.png)"]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
