"""Tokenizer training in the bert-base-chinese style.

Every CJK character is its own token (BERT's `handle_chinese_chars`), Latin words and
digit runs go through WordPiece, so a folder we save loads with `AutoTokenizer` exactly
like any Hugging Face Chinese BERT and the rest of the code never needs special cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tokenizers import BertWordPieceTokenizer
from transformers import BertTokenizerFast, PreTrainedTokenizerBase

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(
    texts: Iterable[str], vocab_size: int = 7000, min_frequency: int = 5
) -> PreTrainedTokenizerBase:
    """Train a WordPiece vocabulary over `texts` and wrap it as a transformers fast tokenizer."""
    wp = BertWordPieceTokenizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True
    )
    wp.train_from_iterator(
        texts,
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        limit_alphabet=vocab_size,  # keep CJK characters: they are the alphabet here
        wordpieces_prefix="##",
        show_progress=False,
    )
    return BertTokenizerFast(
        tokenizer_object=wp._tokenizer,
        unk_token="[UNK]",
        sep_token="[SEP]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        mask_token="[MASK]",
        do_lower_case=True,
        tokenize_chinese_chars=True,
        model_max_length=512,
    )


def save_tokenizer(tokenizer: PreTrainedTokenizerBase, out_dir: str | Path) -> None:
    tokenizer.save_pretrained(str(out_dir))
