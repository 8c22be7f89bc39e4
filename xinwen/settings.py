"""Shared settings: where configs and bundled models live, and the label taxonomy.

Everything that names a label or a bundled path goes through here, so the taxonomy is
read from `configs/labels.yaml` once instead of being spelled out across modules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ASSETS = Path(__file__).resolve().parent / "assets"
BUNDLED = {
    "base_model": ASSETS / "base",
    "theme_model": ASSETS / "theme",
    "digest_model": ASSETS / "digest",
    "layout_model": ASSETS / "layout",
    "judge_model": ASSETS / "judge",
}


def config_path(name: str) -> Path:
    """Path of a shipped YAML config (`labels`, `pretrain`, `train`, `digest`)."""
    return Path(str(resources.files("xinwen.configs").joinpath(f"{name}.yaml")))


def load_config(path: str | Path | None, default: str) -> dict[str, Any]:
    """Read a YAML config file, falling back to the shipped one named `default`."""
    p = Path(path) if path else config_path(default)
    with open(p, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{p}: a config must be a YAML mapping")
    return data


@dataclass(frozen=True)
class Labels:
    """The theme taxonomy: six themes (model outputs, in order) plus the fallback `other`."""

    themes: tuple[str, ...]
    other: str
    zh: dict[str, str]
    definitions: dict[str, str]

    @property
    def primary_classes(self) -> tuple[str, ...]:
        return (*self.themes, self.other)


@lru_cache(maxsize=4)
def load_labels(path: str | None = None) -> Labels:
    cfg = load_config(path, "labels")
    themes = tuple(t["id"] for t in cfg["themes"])
    other = cfg["other"]["id"]
    zh = {t["id"]: t["zh"] for t in cfg["themes"]} | {other: cfg["other"]["zh"]}
    defs = {t["id"]: t["definition"] for t in cfg["themes"]} | {other: cfg["other"]["definition"]}
    return Labels(themes, other, zh, defs)


def bundled_model(key: str) -> Path | None:
    """The bundled model folder for `key`, or None when it has not been shipped yet."""
    p = BUNDLED[key]
    return p if any((p / f).exists() for f in ("config.json", "digest.json", "layout.json", "judge.json")) else None


def dataclass_yaml(cls, path: str | Path | None, default: str) -> tuple[dict[str, Any], Path]:
    """A YAML config's mapping for the dataclass `cls` (the shipped `default` when no path), and
    the file it came from; anything but a mapping of `cls`'s field names is refused, naming the
    file, so a typo fails before any work."""
    from dataclasses import fields

    p = Path(path) if path else config_path(default)
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    known = [f.name for f in fields(cls)]
    if not isinstance(data, dict) or set(data) - set(known):
        bad = sorted(set(data) - set(known)) if isinstance(data, dict) else data
        raise ValueError(f"{p}: unknown keys {bad}; known: {', '.join(known)}")
    return data, p


def file_sha256(path: str | Path) -> str:
    """Content hash recorded with every trained model, so results can be traced to data."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stable_bucket(key: str, n: int) -> int:
    """Deterministic hash bucket (unlike hash()), used for held-out splits of streamed data."""
    return int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16) % n


def load_checked_config(path: str | Path | None, default: str, schema: dict[str, Any],
                        overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """A config file (and `overrides`) checked against `schema`, over the shipped `default`: a
    file names what it changes, the rest (inside each section too) is the shipped value."""
    data = load_config(path, default)
    for k, v in (overrides or {}).items():
        data[k] = {**data.get(k, {}), **v} if isinstance(v, dict) else v
    check_config(data, schema, str(path or config_path(default)))
    full = load_config(None, default)
    for k, v in data.items():
        full[k] = {**full[k], **v} if isinstance(v, dict) and isinstance(full.get(k), dict) else v
    return full


def check_config(data: dict[str, Any], schema: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """Refuse unknown keys and values of the wrong type, naming the file and the key, so a typo
    (`lerning_rate`) fails before training rather than being silently ignored. `schema` maps each
    key to a type, a tuple of allowed values, or a nested schema dict."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in schema:
            raise ValueError(f"{where}: unknown key {name!r}; known here: {', '.join(sorted(schema))}")
        want = schema[key]
        if isinstance(want, dict):
            if not isinstance(value, dict):
                raise ValueError(f"{where}: {name} must be a mapping")
            check_config(value, want, where, f"{name}.")
        elif isinstance(want, tuple) and not isinstance(want[0], type):
            if value not in want:
                raise ValueError(f"{where}: {name} is {value!r}; choose {', '.join(map(str, want))}")
        elif not isinstance(value, want) or (isinstance(value, bool) and want in (int, float, (int, float))):
            raise ValueError(f"{where}: {name} is {value!r}, not {getattr(want, '__name__', want)}")
    return data
