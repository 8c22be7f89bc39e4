"""A gradient-boosted tree ensemble as flat arrays: fitted by scikit-learn, stored as safetensors,
scored with numpy.

scikit-learn's `HistGradientBoostingClassifier` trains fast on the hundreds of thousands of
simulated page lines the layout reader learns from, but its only persistence is pickle, which
this project never loads. `TreeEnsemble.from_sklearn` copies the fitted trees into six arrays;
`predict_proba` walks every tree at once, one level per step, so scoring a page is a few
hundred vector operations whatever the number of trees. A test pins the probabilities to
scikit-learn's own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WEIGHTS = "forest.safetensors"
CONFIG = "forest.json"


@dataclass
class TreeEnsemble:
    """`n_outputs` raw scores per row (one for a binary model, one per class otherwise), each the
    baseline plus the sum of its trees' leaf values; probabilities by sigmoid or softmax."""

    feature: np.ndarray  # int32 [nodes]: feature tested at the node (leaves: 0)
    threshold: np.ndarray  # float64 [nodes]: go left when x <= threshold
    left: np.ndarray  # int32 [nodes]: absolute index of the left child (leaves: itself)
    right: np.ndarray  # int32 [nodes]
    value: np.ndarray  # float64 [nodes]: leaf value (0 inside)
    roots: np.ndarray  # int32 [trees]: index of each tree's root
    output: np.ndarray  # int32 [trees]: which raw score the tree adds to
    baseline: np.ndarray  # float64 [n_outputs]
    classes: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    depth: int = 0

    @classmethod
    def from_sklearn(cls, model, feature_names: list[str]) -> TreeEnsemble:
        """Copy a fitted `HistGradientBoostingClassifier` (numeric features only)."""
        feats, thr, lefts, rights, vals, roots, outs = [], [], [], [], [], [], []
        offset, depth = 0, 0
        for per_iter in model._predictors:
            for k, pred in enumerate(per_iter):
                nodes = pred.nodes
                leaf = nodes["is_leaf"].astype(bool)
                idx = np.arange(len(nodes))
                feats.append(np.where(leaf, 0, nodes["feature_idx"]).astype(np.int32))
                thr.append(np.where(leaf, 0.0, nodes["num_threshold"]).astype(np.float64))
                lefts.append(np.where(leaf, idx, nodes["left"]).astype(np.int32) + offset)
                rights.append(np.where(leaf, idx, nodes["right"]).astype(np.int32) + offset)
                vals.append(np.where(leaf, nodes["value"], 0.0).astype(np.float64))
                roots.append(offset)
                outs.append(k)
                depth = max(depth, int(nodes["depth"].max()))
                offset += len(nodes)
        return cls(np.concatenate(feats), np.concatenate(thr), np.concatenate(lefts), np.concatenate(rights),
                   np.concatenate(vals), np.array(roots, np.int32), np.array(outs, np.int32),
                   np.asarray(model._baseline_prediction, np.float64).reshape(-1),
                   [str(c) for c in model.classes_], list(feature_names), depth)

    def raw(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, np.float64)
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ValueError(f"expected {len(self.feature_names)} features, got shape {x.shape}")
        rows = np.arange(len(x))[None, :]
        node = np.repeat(self.roots[:, None], len(x), axis=1)  # [trees, rows]
        for _ in range(self.depth):
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        leaf = self.value[node]  # [trees, rows]
        out = np.tile(self.baseline[:, None], (1, len(x)))
        np.add.at(out, self.output, leaf)
        return out.T

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, columns in `classes` order."""
        raw = self.raw(x)
        if raw.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.stack([1 - p, p], axis=1)
        raw = raw - raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, x: np.ndarray) -> list[str]:
        return [self.classes[i] for i in self.predict_proba(x).argmax(axis=1)]

    def _arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in ("feature", "threshold", "left", "right", "value", "roots",
                                               "output", "baseline")}

    def save(self, folder: str | Path, prefix: str) -> None:
        from safetensors.numpy import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({k: np.ascontiguousarray(v) for k, v in self._arrays().items()}, folder / f"{prefix}.{WEIGHTS}")
        meta = {"classes": self.classes, "feature_names": self.feature_names, "depth": self.depth}
        (folder / f"{prefix}.{CONFIG}").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @staticmethod
    def exists(folder: str | Path, prefix: str) -> bool:
        return (Path(folder) / f"{prefix}.{WEIGHTS}").exists()

    @classmethod
    def load(cls, folder: str | Path, prefix: str) -> TreeEnsemble:
        from safetensors.numpy import load_file

        folder = Path(folder)
        arrays = load_file(folder / f"{prefix}.{WEIGHTS}")
        meta = json.loads((folder / f"{prefix}.{CONFIG}").read_text(encoding="utf-8"))
        return cls(**arrays, classes=meta["classes"], feature_names=meta["feature_names"], depth=meta["depth"])
