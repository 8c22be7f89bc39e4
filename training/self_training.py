"""Self-training: label unlabelled news with a teacher theme model, keep only what it is sure of.

2,232 labelled articles are few for six themes; the corpus has 121k unlabelled ones. A student
trained on the labelled set plus the teacher's confident calls sees many more phrasings of each
theme (distillation from an ensemble: the teacher is the BERT + TF-IDF blend). Articles that
also occur in the labelled files are skipped, so dev scores stay honest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import numpy as np
from xinwen.models.theme import ThemeModel
from xinwen.training.corpus import iter_items, normalise
from xinwen.training.labelled import validate
from xinwen.training.seen import fingerprint

from xinwen.settings import stable_bucket
from xinwen.ui import progress_bar


def select(scores: np.ndarray, themes: tuple[str, ...], other: str, min_conf: float, max_other: float
           ) -> list[tuple[str, list[str]] | None]:
    """(primary, labels) for confident rows, None for the rest.

    Confident = the best theme scores at least `min_conf` (labels: every theme over 0.5), or
    every theme stays under `max_other` (then `other`).
    """
    out: list[tuple[str, list[str]] | None] = []
    for row in scores:
        best = int(row.argmax())
        if row[best] >= min_conf:
            labs = [themes[i] for i in np.argsort(-row) if row[i] >= 0.5]
            out.append((themes[best], labs))
        elif row.max() < max_other:
            out.append((other, []))
        else:
            out.append(None)
    return out


def pseudo_label(corpus: Iterable[str | Path], out_file: str | Path, model: str | Path | None = None,
                 exclude: Iterable[str | Path] = (), items: int = 20000, min_conf: float = 0.9,
                 max_other: float = 0.05, per_class: int = 400, backend: str = "auto", quiet: bool = False) -> dict:
    """Write confident teacher labels for up to `items` corpus items as labelled JSONL; return counts.

    Items are taken in a hash order (not file order), so every source of the corpus is sampled;
    `per_class` caps each primary class so the common themes do not drown the rare ones.
    """
    teacher = ThemeModel.from_pretrained(model, backend=backend)
    seen = {fingerprint(r["text"]) for f in exclude for r in validate(f, warn=lambda m: None)}
    pool = [it for it in iter_items([str(c) for c in corpus]) if stable_bucket(f"{it['id']}#self", 6) == 0]
    pool.sort(key=lambda it: stable_bucket(f"{it['id']}#order", 1 << 30))
    pool = [it for it in pool if fingerprint(it["text"]) not in seen]
    kept: Counter[str] = Counter()
    rows = []
    with progress_bar(quiet) as bar:
        task = bar.add_task("pseudo-label", total=min(items, len(pool)), info="")
        for i in range(0, min(items, len(pool)), 256):
            chunk = list(islice(pool, i, min(i + 256, items)))
            titles = [it["title"] or None for it in chunk]
            texts = [normalise(it["text"]) for it in chunk]
            scores = teacher.predict_scores(titles, texts)
            for it, text, pick in zip(chunk, texts, select(scores, teacher.themes, teacher.other,
                                                            min_conf, max_other)):
                if pick and kept[pick[0]] < per_class:
                    kept[pick[0]] += 1
                    rows.append({"id": f"pseudo:{it['id']}", "title": it["title"], "text": text,
                                 "primary": pick[0], "labels": pick[1]})
            bar.update(task, advance=len(chunk), info=" ".join(f"{k} {v}" for k, v in sorted(kept.items())))
    from xinwen.inference.writers import write_jsonl_atomic

    write_jsonl_atomic(out_file, rows)
    return {"scored": min(items, len(pool)), "kept": len(rows), "per_class": dict(kept)}

