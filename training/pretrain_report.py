"""Loss-curve PNG and model card for a pretraining run: how it was made, so the next run can beat it."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_curve(history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(10, 3.5))
    tr = history.get("train", [])
    if tr:
        ax[0].plot([h["step"] for h in tr], [h["loss"] for h in tr], lw=0.8)
    ax[0].set(title="training MLM loss", xlabel="step")
    ev = history.get("eval", [])
    if ev:
        ax[1].plot([h["step"] for h in ev], [h["acc_char"] for h in ev], label="char mask")
        ax[1].plot([h["step"] for h in ev], [h["acc_wwm"] for h in ev], label="whole-word mask")
        ax[1].legend()
    ax[1].set(title="held-out masked-token accuracy", xlabel="step")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_card(out: Path, cfg: dict, metrics: dict, data: list[dict]) -> None:
    h = metrics["heldout"]
    b = metrics["baselines"]
    rows = "\n".join(f"| `{d['path']}` | `{d['sha256'][:16]}…` |" for d in data)
    shard = next((d["via_shard"] for d in data if d.get("via_shard")), None)
    if shard:
        consumed = (f"{metrics['windows_consumed']:,} windows consumed from a pretokenized shard of "
                    f"{shard['items']:,} items / {shard['windows']:,} windows / {shard['tokens']:,} tokens "
                    f"(`xinwen pretokenize`, fraction {shard['fraction']})")
    else:
        consumed = f"corpus items consumed: {metrics['items_consumed']}"
    init = b.get("init_from")
    if init:
        prev = init.get("heldout") or {}
        consumed += (f"\n- initialised from `{init['path']}` ({init.get('step')} steps, {init.get('minutes')} min on "
                     f"{init.get('device')}; held-out char {prev.get('acc_char', float('nan')):.1%}, "
                     f"whole-word {prev.get('acc_wwm', float('nan')):.1%}), with a fresh optimiser")
    card = f"""# xinwen base — a small Chinese BERT pretrained by `xinwen pretrain`

Masked LM (`BertForMaskedLM`), bert-base-chinese-style tokenizer (one token per CJK character,
WordPiece for Latin and digits), whole-word masking over jieba words, LM head computed at masked
positions only. Loads offline with `AutoModelForMaskedLM.from_pretrained(DIR)`.

## How it was made
- steps: {metrics['step']}, minutes: {metrics['minutes']} on {metrics.get('device', 'cpu')}
  (torch {metrics.get('torch', '?')}), {consumed},
  tokens seen (upper bound, padded windows): {metrics['tokens_seen_upper_bound']:,}
- data:

| file | sha256 |
|---|---|
{rows}

- config:

```yaml
{yaml.safe_dump(cfg, allow_unicode=True).strip()}
```

## Held-out evaluation (1 corpus item in {cfg['training']['heldout_every']} by id hash; every masked position shown as [MASK])
| model | masked-char accuracy | whole-word-masked accuracy | perplexity (char) |
|---|---|---|---|
| this model | {h['acc_char']:.1%} | {h['acc_wwm']:.1%} | {h['ppl_char']:.1f} |
| same architecture, untrained | {b.get('untrained', float('nan')):.1%} | – | – |
| always the most frequent token | {b.get('most_frequent_char', float('nan')):.1%} | – | – |

The loss curve is in `loss_curve.png`; the whole evaluation history in `metrics.json`.
To beat it: `xinwen pretrain --resume` in the run folder (it holds the optimiser state), or
`xinwen pretrain --init-from THIS_FOLDER` (weights and tokenizer only, fresh optimiser), or a longer / GPU run.
"""
    (out / "README.md").write_text(card, encoding="utf-8")
