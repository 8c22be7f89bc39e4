"""Model card for a trained theme model: what it was trained from, and how it scores."""

from __future__ import annotations

from pathlib import Path


def write_theme_card(out: Path, meta: dict, data: dict, metrics: dict) -> None:
    tb = metrics["tfidf_baseline_dev"]
    hist = ", ".join(f"{h['epoch']}: {h['dev_macro_f1']:.3f}" for h in metrics.get("history", []))
    comparison = metrics.get("comparison_md", "")
    train_files = ", ".join(f"`{t['path']}` (sha256 `{t['sha256'][:16]}…`)" for t in data["train"])
    card = f"""# xinwen theme model

Architecture: **{meta['architecture']}**{f" (BERT from `{meta.get('base_model')}`)" if meta.get('base_model') else ''};
TF-IDF blend weight {meta.get('tfidf_weight', 0):.1f} (tuned on dev). Multi-label sigmoid head over
{', '.join(meta['themes'])}; primary = best theme over its threshold, else `other`.
Thresholds (tuned on dev): {', '.join(f"{t} {x:.2f}" for t, x in zip(meta['themes'], meta['thresholds']))}.

## Data
- train: {train_files} ({data['train_records']} records)
- dev: `{data['dev']['path']}` ({data['dev']['records']} records, sha256 `{data['dev']['sha256'][:16]}…`)
- seed {data['seed']}, init_from {data.get('init_from')}, random_init {data.get('random_init')}, {data['minutes']} minutes

## Dev metrics (thresholds tuned on the same dev set: optimistic)
| model | accuracy | macro-F1 | multi-label micro-F1 |
|---|---|---|---|
| this model | {metrics['accuracy']:.3f} | {metrics['macro_f1']:.3f} | {metrics['micro_f1_multilabel']:.3f} |
| BERT alone (no TF-IDF blend) | – | {meta.get('bert_only_dev_macro_f1', float('nan')):.3f} | – |
| TF-IDF baseline, same data | {tb['accuracy']:.3f} | {tb['macro_f1']:.3f} | {tb['micro_f1_multilabel']:.3f} |

Dev macro-F1 by epoch: {hist or 'n/a'}
{comparison}
```
{metrics['report_text']}
```
"""
    (out / "README.md").write_text(card, encoding="utf-8")


def add_comparison(model_dir: str | Path, others: dict[str, str | Path]) -> str:
    """Append a dev-metrics table of other runs (e.g. the same recipe from random init) to the card."""
    import json

    model_dir = Path(model_dir)
    rows = []
    for name, d in {"this model": model_dir, **others}.items():
        m = json.loads((Path(d) / "metrics.json").read_text())
        meta = json.loads((Path(d) / "xinwen.json").read_text())
        data = json.loads((Path(d) / "data.json").read_text())
        hist = " → ".join(f"{h['dev_macro_f1']:.3f}" for h in m.get("history", []))
        rows.append(f"| {name} | {data.get('base_model')} | {'yes' if data.get('random_init') else 'no'} | "
                    f"{meta.get('bert_only_dev_macro_f1', float('nan')):.3f} | {meta.get('tfidf_weight', 0):.1f} | "
                    f"{m['macro_f1']:.3f} | {hist} |")
    table = ("\n## Same recipe, other starting points (dev)\n\n| run | base | random init | BERT-only macro-F1 | "
             "TF-IDF weight | macro-F1 | per-epoch BERT dev macro-F1 |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    card = model_dir / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + table, encoding="utf-8")
    return table
