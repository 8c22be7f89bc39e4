"""Which articles a theme model has already seen, so `evaluate` can say when its figures are not
held out, and self-training can leave labelled articles out of its pseudo-labels.

The easy mistake is to score a model on the file it was tuned on (the shipped model saw train and
dev) or on a new file that repeats old articles; both give figures that look like a test and are
not. A model folder keeps `seen.json`: a short fingerprint of every article it learned from
(`train`) or picked its epoch, blend and thresholds on (`dev`). The fingerprint hashes the body's
first 60 letters and digits, so a re-wrapped or re-punctuated copy, or the same story under another
headline or with another ending (as news items reappear across outlets), still matches; it holds
no text. A model continued with `--init-from` inherits what its parent saw.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

SEEN_FILE = "seen.json"
_NON_WORD = re.compile(r"\W")


def fingerprint(text: str) -> str:
    """16 hex characters of SHA-256 over the body's first 60 word characters."""
    return hashlib.sha256(_NON_WORD.sub("", text)[:60].encode("utf-8")).hexdigest()[:16]


def fingerprints(ds) -> set[str]:
    return {fingerprint(x) for x in ds["text"]}


def read_seen(model_dir: str | Path) -> dict[str, set[str]]:
    """{"train": ..., "dev": ...}; empty sets for a folder without `seen.json` (any HF checkpoint,
    or a model trained before this file existed)."""
    p = Path(model_dir) / SEEN_FILE
    raw = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
    return {k: set(raw.get(k, [])) for k in ("train", "dev")}


def write_seen(out: Path, train, dev=None, init_from: str | Path | None = None) -> None:
    """`dev` only when it tuned the model; a dev set scored once after k-fold tuning stays unseen."""
    parent = read_seen(init_from) if init_from else {"train": set(), "dev": set()}
    seen = {"train": fingerprints(train) | parent["train"] | parent["dev"],
            "dev": fingerprints(dev) if dev is not None else set()}
    (out / SEEN_FILE).write_text(json.dumps({k: sorted(v) for k, v in seen.items()}), encoding="utf-8")


def seen_counts(model_dir: str | Path, ds) -> dict[str, int]:
    """How many records of `ds` the model trained on, and how many it was tuned on."""
    seen = read_seen(model_dir)
    fps = [fingerprint(x) for x in ds["text"]]
    return {"n": len(fps), "train": sum(f in seen["train"] for f in fps), "dev": sum(f in seen["dev"] for f in fps)}


def seen_warning(counts: dict[str, int], data_path: str) -> str | None:
    """One line for the user, or None when every record is new to the model."""
    parts = [f"{counts[k]} of {counts['n']} records of {data_path} were {what}"
             for k, what in (("train", "in this model's training data"), ("dev", "what this model was tuned on"))
             if counts[k]]
    return "; ".join(parts) + ": these figures are not held out" if parts else None
