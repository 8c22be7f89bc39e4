"""Shared fixtures: tiny models built on the fly (no network, no ../shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIX = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fixture_articles() -> list[dict]:
    return [json.loads(x) for x in (FIX / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory) -> Path:
    """A 1-layer BERT with a tokenizer trained on the fixture texts, saved as a HF folder."""
    from xinwen.models.bert import new_masked_lm
    from xinwen.models.tokenizer import train_tokenizer

    texts = [json.loads(x)["text"] for x in (FIX / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    out = tmp_path_factory.mktemp("tiny_base")
    tok = train_tokenizer(texts * 3, vocab_size=600, min_frequency=1)
    model = new_masked_lm({"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                           "intermediate_size": 64, "max_position_embeddings": 256}, len(tok), tok.pad_token_id)
    model.save_pretrained(str(out))
    tok.save_pretrained(str(out))
    return out


@pytest.fixture(scope="session")
def labelled_files(tmp_path_factory, fixture_articles) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("labelled")
    tr, dv = d / "train.jsonl", d / "dev.jsonl"
    tr.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in fixture_articles), encoding="utf-8")
    dv.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in fixture_articles[::2]), encoding="utf-8")
    return tr, dv


@pytest.fixture(scope="session")
def tfidf_theme_model(labelled_files, tmp_path_factory) -> Path:
    """A TF-IDF theme model trained on the fixture articles in a second: batch runs need a model."""
    from xinwen.training.theme_train import train_theme

    tr, dv = labelled_files
    out = tmp_path_factory.mktemp("m") / "tfidf"
    train_theme(str(tr), str(dv), str(out), quiet=True,
                overrides={"architecture": "tfidf", "tfidf": {"ngram_min": 1, "ngram_max": 2, "C": 10.0}})
    return out


def mixed_folder(root: Path, pages: int) -> Path:
    """A batch as newsrooms have them: `pages` copies of the bundled page (one in GB18030), a
    binary file, an empty one, and a records file with one good and one broken line."""
    import shutil

    page = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"
    d = root / "in"
    d.mkdir()
    for i in range(pages):
        shutil.copy(page, d / f"page{i}.txt")
    (d / "page1.txt").write_bytes(page.read_text(encoding="utf-8").encode("gb18030"))
    (d / "zz_binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (d / "zz_empty.txt").write_bytes(b"")
    (d / "articles.jsonl").write_text('{"id": "a1", "source": "xwlb", "title": "征兵", "text": "征兵宣传进校园。"}\n{bad json\n',
                                      encoding="utf-8")
    return d
