"""Character-level ROUGE-1/2/L F1 (Chinese headlines are compared character by character)."""

from __future__ import annotations

from collections import Counter


def _ngrams(s: str, n: int) -> Counter:
    return Counter(s[i : i + n] for i in range(len(s) - n + 1))


def _f(overlap: float, p_len: int, r_len: int) -> float:
    if overlap <= 0 or p_len == 0 or r_len == 0:
        return 0.0
    p, r = overlap / p_len, overlap / r_len
    return 2 * p * r / (p + r)


def rouge_n(pred: str, ref: str, n: int) -> float:
    a, b = _ngrams(pred, n), _ngrams(ref, n)
    return _f(sum((a & b).values()), sum(a.values()), sum(b.values()))


def lcs(a: str, b: str) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(pred: str, ref: str) -> float:
    return _f(lcs(pred, ref), len(pred), len(ref))


def strip_ws(s: str) -> str:
    return "".join(s.split())


def rouge_all(pred: str, ref: str) -> dict[str, float]:
    p, r = strip_ws(pred), strip_ws(ref)
    return {"rouge1": rouge_n(p, r, 1), "rouge2": rouge_n(p, r, 2), "rougeL": rouge_l(p, r)}
