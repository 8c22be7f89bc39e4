"""Model card for a trained theme model: what it was trained from, and how it scores."""

from __future__ import annotations

from pathlib import Path

from xinwen.models.theme_config import ThemeModelConfig


def _bert_only(meta: dict) -> float:
    # models trained before out-of-fold tuning name it `bert_only_dev_macro_f1`
    return meta.get("bert_only_macro_f1", meta.get("bert_only_dev_macro_f1", float("nan")))


def _row(name: str, m: dict) -> str:
    return f"| {name} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {m['micro_f1_multilabel']:.3f} |"


def write_theme_card(out: Path, meta: dict, data: dict, metrics: dict) -> None:
    hist = ", ".join(f"{h['epoch']}: {h['dev_macro_f1']:.3f}" for h in metrics.get("history", []))
    comparison = metrics.get("comparison_md", "")
    train_files = ", ".join(f"`{t['path']}` (sha256 `{t['sha256'][:16]}…`)" for t in data["train"])
    tuned = meta.get("tuned_on", "dev")
    dev = data.get("dev")
    head = "| model | accuracy | macro-F1 | multi-label micro-F1 |\n|---|---|---|---|"
    sections = []
    if dev:
        honest = tuned != "dev"
        title = "untouched by training and tuning" if honest else "thresholds tuned on the same dev set: optimistic"
        rows = [_row("this model", metrics)]
        if not honest:
            rows.append(f"| BERT alone (no TF-IDF blend) | – | {_bert_only(meta):.3f} | – |")
        rows.append(_row("TF-IDF baseline, same data", metrics["tfidf_baseline_dev"]))
        sections.append(f"## Dev metrics ({title})\n{head}\n" + "\n".join(rows))
    if "cv" in metrics:
        cv = metrics["cv"]
        rows = [_row("this recipe", cv),
                f"| BERT alone (no TF-IDF blend) | – | {_bert_only(meta):.3f} | – |",
                _row("TF-IDF baseline, same folds", cv["tfidf_baseline"])]
        sections.append(f"## {cv['folds']}-fold out-of-fold metrics on the training data ({cv['n']} articles; "
                        "blend weight and thresholds tuned on these same scores)\n"
                        f"{head}\n" + "\n".join(rows))
    card = f"""# xinwen theme model

Architecture: **{meta['architecture']}**{f" (BERT from `{meta.get('base_model')}`)" if meta.get('base_model') else ''};
TF-IDF blend weight {meta.get('tfidf_weight', 0):.1f}. Multi-label sigmoid head over
{', '.join(meta['themes'])}; primary = best theme over its threshold, else `other`.
Thresholds: {', '.join(f"{t} {x:.2f}" for t, x in zip(meta['themes'], meta['thresholds']))}.
Blend weight and thresholds tuned on: {tuned}.

## Data
- train: {train_files} ({data['train_records']} records)
- dev: {f"`{dev['path']}` ({dev['records']} records, sha256 `{dev['sha256'][:16]}…`)" if dev else 'none'}
- seed {data['seed']}, folds {data.get('folds')}, init_from {data.get('init_from')}, random_init {data.get('random_init')}, {data['minutes']} minutes

{chr(10).join(s + chr(10) for s in sections)}
Macro-F1 by epoch ({'mean over folds' if data.get('folds') else 'dev'}): {hist or 'n/a'}
{comparison}
Per class ({metrics.get('held_out', 'dev')}):
```
{metrics['report_text']}
```
"""
    (out / "README.md").write_text(card, encoding="utf-8")


def comparison_rows(runs: dict[str, str | Path]) -> list[str]:
    """One card-table row per named run folder: its base, BERT-only and blended macro-F1, and where
    they were measured, so runs made at different times can join one table."""
    import json

    rows = []
    for name, d in runs.items():
        m = json.loads((Path(d) / "metrics.json").read_text())
        meta = ThemeModelConfig.from_dir(d).to_dict()
        data = json.loads((Path(d) / "data.json").read_text())
        hist = " → ".join(f"{h['dev_macro_f1']:.3f}" for h in m.get("history", []))
        base = data.get("base_model")
        if data.get("base_sha256"):
            base = f"{base} (weights sha256 `{data['base_sha256'][:12]}…`)"
        rows.append(f"| {name} | {base} | {'yes' if data.get('random_init') else 'no'} | "
                    f"{_bert_only(meta):.3f} | {meta.get('tfidf_weight', 0):.1f} | "
                    f"{m['macro_f1']:.3f} | {m.get('held_out', 'dev (also used for tuning)')} | {hist} |")
    return rows


def add_comparison(model_dir: str | Path, others: dict[str, str | Path]) -> str:
    """Append a dev-metrics table of other runs (e.g. the same recipe from random init) to the card."""
    rows = comparison_rows({"this model": model_dir, **others})
    table = ("\n## Same recipe, other starting points and tuning\n\n| run | base | random init | BERT-only macro-F1 | "
             "TF-IDF weight | macro-F1 | measured on | per-epoch BERT macro-F1 |\n|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n")
    card = Path(model_dir) / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + table, encoding="utf-8")
    return table
