"""`xinwen.json`, the theme model folder's description of itself, read and written in one place.

A folder says which architecture it is, which themes its outputs are (in order), what the
fallback class is called (`other`) and how each class is displayed, its thresholds, its TF-IDF
blend weight, its input budget and its ONNX graph. Everything that reads a model reads this, so
a model trained on another taxonomy is read as its own, not through the package's `labels.yaml`.
Folders written before `other` and the display names were stored get them from `labels.yaml`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FILE = "xinwen.json"
ARCHITECTURES = ("bert", "tfidf")


@dataclass
class ThemeModelConfig:
    architecture: str
    themes: tuple[str, ...]
    thresholds: list[float]
    other: str = "other"
    display: dict[str, str] = field(default_factory=dict)  # class → display name (Chinese)
    tfidf_weight: float = 0.0
    max_length: int | None = None
    head_fraction: float = 0.7
    onnx_file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # provenance: base_model, tuned_on, bert_only_macro_f1…

    def __post_init__(self) -> None:
        self.themes = tuple(self.themes)
        if self.architecture not in ARCHITECTURES:
            raise ValueError(f"architecture {self.architecture!r}: a theme model is one of {', '.join(ARCHITECTURES)}")
        if len(self.thresholds) != len(self.themes):
            raise ValueError(f"{len(self.thresholds)} thresholds for {len(self.themes)} themes")

    @property
    def classes(self) -> tuple[str, ...]:
        return (*self.themes, self.other)

    @property
    def uses_tfidf(self) -> bool:
        return self.architecture == "tfidf" or self.tfidf_weight > 0

    @classmethod
    def from_dir(cls, path: str | Path) -> ThemeModelConfig:
        p = Path(path) / FILE
        if not p.is_file():
            raise FileNotFoundError(f"{Path(path)}: not a xinwen theme model (no {FILE})")
        try:
            raw = json.loads(p.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{p}: broken JSON ({e.msg}, line {e.lineno})") from None
        try:
            return cls.from_dict(raw)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{p}: {e}") from None

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ThemeModelConfig:
        """The fields it knows from `raw`, the rest kept as `extra`; `other` and the display
        names from `labels.yaml` for folders written before they were stored."""
        missing = [k for k in ("architecture", "themes", "thresholds") if k not in raw]
        if missing:
            raise ValueError(f"no {', '.join(missing)}")
        raw = dict(raw)
        if "other" not in raw or "display" not in raw:
            from xinwen.settings import load_labels

            labels = load_labels()
            raw.setdefault("other", labels.other)
            raw.setdefault("display", {k: v for k, v in labels.zh.items() if k in (*raw["themes"], raw["other"])})
        known = {f for f in cls.__dataclass_fields__ if f != "extra"}
        return cls(**{k: raw[k] for k in known if k in raw}, extra={k: v for k, v in raw.items() if k not in known})

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["themes"] = list(self.themes)
        extra = d.pop("extra")
        return {**d, **extra}

    def to_dir(self, path: str | Path) -> Path:
        p = Path(path) / FILE
        tmp = p.with_name(f".{FILE}.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(p)
        return p
