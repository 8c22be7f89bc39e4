"""A model folder's `tokenizer.json`, read by the `tokenizers` library alone.

Classifying needs token ids and three special ids, nothing else of a transformers tokenizer, and
importing transformers costs about 4 s on the project's 2-core machine: more than a whole page's
work in `xinwen run`. Every folder `save_pretrained` writes with a fast tokenizer has this file,
ours and third-party BERTs alike; `tests/test_lean_inference.py` pins its ids to `AutoTokenizer`'s.
"""

from __future__ import annotations

import json
from pathlib import Path


def _token(value, default: str) -> str:
    """A special token as tokenizer_config.json writes it: a string, or {"content": ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else default


class TokenizerFile:
    """Token ids without special tokens, plus the [CLS]/[SEP]/[PAD] ids the caller adds itself."""

    def __init__(self, backend, cls_token_id: int, sep_token_id: int, pad_token_id: int):
        self.backend = backend
        self.cls_token_id, self.sep_token_id, self.pad_token_id = cls_token_id, sep_token_id, pad_token_id

    @classmethod
    def from_pretrained(cls, path: str | Path) -> TokenizerFile | None:
        """None when the folder has no `tokenizer.json` or it lacks a special token: the caller
        then loads the folder with transformers' AutoTokenizer."""
        from tokenizers import Tokenizer

        path = Path(path)
        if not (path / "tokenizer.json").exists():
            return None
        conf_file = path / "tokenizer_config.json"
        conf = json.loads(conf_file.read_text(encoding="utf-8")) if conf_file.exists() else {}
        backend = Tokenizer.from_file(str(path / "tokenizer.json"))
        backend.no_truncation()
        backend.no_padding()
        ids = [backend.token_to_id(_token(conf.get(k), d))
               for k, d in (("cls_token", "[CLS]"), ("sep_token", "[SEP]"), ("pad_token", "[PAD]"))]
        return None if None in ids else cls(backend, *ids)

    def __call__(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.backend.encode_batch(list(texts), add_special_tokens=False)]
