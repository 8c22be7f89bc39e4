"""Segmentation metrics: article F1 by exact boundaries and by 8-gram overlap.

Exact: a predicted article's body equals a true one's with all whitespace removed, so the
body starts and ends exactly where the article does. Overlap: one predicted article holds
≥ 90% of the true one's character 8-grams and is ≥ 90% made of them (the older, looser
figure, kept beside it). Both sides go through the same credit parser first, so a truth that
keeps `本报讯（记者…）` in its body and a prediction that moved it to `dateline`/`byline`
compare equal. Each truth is matched at most once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xinwen.inference.segmentation.credits import split_credits

_WS = re.compile(r"\s")


def norm_body(text: str) -> str:
    return _WS.sub("", split_credits(text or "")[2])


def grams(s: str, n: int = 8) -> set[str]:
    return {s[i : i + n] for i in range(max(len(s) - n + 1, 1))}


def _get(a, key: str):
    return a.get(key) if isinstance(a, dict) else getattr(a, key, None)


def headline_readings(a) -> set[str]:
    k, t, s = (_WS.sub("", _get(a, x) or "") for x in ("kicker", "title", "subtitle"))
    return {t, k + t, t + s, k + t + s}


@dataclass
class SegScore:
    """Counts over pages; `f1`, `exact_f1` and `title_acc` are computed from them."""

    pred: int = 0
    truth: int = 0
    found: int = 0  # by overlap
    exact: int = 0
    titles: int = 0  # among found
    pages: int = 0

    def add(self, other: SegScore) -> SegScore:
        for k in ("pred", "truth", "found", "exact", "titles", "pages"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self

    @staticmethod
    def _f1(hit: int, pred: int, truth: int) -> float:
        return 2 * hit / (pred + truth) if pred + truth else 1.0

    @property
    def f1(self) -> float:
        return self._f1(self.found, self.pred, self.truth)

    @property
    def exact_f1(self) -> float:
        return self._f1(self.exact, self.pred, self.truth)

    @property
    def title_acc(self) -> float:
        return self.titles / self.found if self.found else 0.0

    def line(self) -> str:
        return (f"pages {self.pages:4d}  articles {self.truth:4d}  predicted {self.pred:4d}  "
                f"exact F1 {self.exact_f1:.3f}  8-gram F1 {self.f1:.3f}  title acc {self.title_acc:.3f}")


def score_page(pred: list, truth: list[dict], n: int = 8, share: float = 0.9) -> SegScore:
    """Match one page's predicted articles (Article or dict) against its truth: overlap by
    character n-grams, each side at least `share` made of the other's (OCR pages: n 4, 0.8)."""
    sc = SegScore(pred=len(pred), truth=len(truth), pages=1)
    bodies = [norm_body(_get(p, "text")) for p in pred]
    pg = [grams(b, n) for b in bodies]
    used_o: set[int] = set()
    used_e: set[int] = set()
    for t in truth:
        tb = norm_body(t["text"])
        tg = grams(tb, n)
        e = next((i for i, b in enumerate(bodies) if i not in used_e and b == tb), None)
        if e is not None:
            used_e.add(e)
            sc.exact += 1
        for i, g in enumerate(pg):
            if i in used_o:
                continue
            inter = len(tg & g)
            if inter >= share * len(tg) and inter >= share * len(g):
                used_o.add(i)
                sc.found += 1
                title = _WS.sub("", t.get("title") or "")
                sc.titles += title in headline_readings(pred[i]) or title == "".join(
                    _WS.sub("", x or "") for x in (_get(pred[i], "kicker"), _get(pred[i], "title"), _get(pred[i], "subtitle")))
                break
    return sc


def char_accuracy(pred: str, truth: str) -> float:
    """1 − character edit distance / truth length (whitespace removed): how well OCR read a body."""
    import difflib

    a, b = _WS.sub("", pred or ""), _WS.sub("", truth or "")
    if not b:
        return 1.0 if not a else 0.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    return max(0.0, 1.0 - edits / len(b))
