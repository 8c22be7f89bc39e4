"""Pretraining in seconds: tiny tokenizer, 1-layer model, a dozen sentences."""

import json

import pytest
import torch
from xinwen.training.masking import char_word_ids, mask_batch, token_word_ids
from xinwen.training.pretrain import Pretrainer, pretrain

from tests.conftest import FIX

TINY = {
    "seed": 1,
    "tokenizer": {"vocab_size": 600, "train_items": 100, "min_frequency": 1},
    "model": {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 64,
              "max_position_embeddings": 64},
    "embedding_init": {"method": "ppmi", "items": 100, "window": 2},
    "training": {"seq_len": 32, "batch_size": 8, "grad_accum": 1, "lr": 0.005, "weight_decay": 0.0,
                 "warmup_steps": 2, "max_steps": 200, "mask_prob": 0.15, "whole_word": True,
                 "masked_only_head": True, "heldout_every": 7, "eval_every": 1000, "eval_sequences": 16,
                 "checkpoint_minutes": 100, "log_every": 1, "num_threads": 0},
}


@pytest.fixture()
def corpus(tmp_path):
    p = tmp_path / "corpus.jsonl"
    rows = [json.loads(x) for x in (FIX / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    p.write_text("\n".join(json.dumps({"id": f"c{i}", "title": r["title"], "text": r["text"]}, ensure_ascii=False)
                           for i, r in enumerate(rows * 2)), encoding="utf-8")
    return p


def test_whole_words_are_masked_together():
    import random

    text = "湘潭高新区引进项目"
    words = char_word_ids(text)
    offsets = [(i, i + 1) for i in range(len(text))]
    wid = torch.tensor([[-1, *token_word_ids(offsets, words), -1]])
    ids = torch.arange(len(text) + 2).unsqueeze(0) + 10
    special = wid.lt(0)
    for seed in range(20):
        _, labels = mask_batch(ids, wid, special, 4, 100, random.Random(seed), mask_prob=0.3)
        masked = labels.ne(-100)[0]
        for w in set(wid[0].tolist()) - {-1}:
            group = masked[wid[0] == w]
            assert group.all() or not group.any()  # a word is masked whole or not at all


def test_loss_falls_and_folder_loads(corpus, tmp_path):
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    out = tmp_path / "base"
    m = pretrain([corpus], out, overrides=TINY, max_steps=40, quiet=True)
    losses = [h["loss"] for h in m["history"]["train"]]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5
    model = AutoModelForMaskedLM.from_pretrained(str(out), local_files_only=True)
    tok = AutoTokenizer.from_pretrained(str(out), local_files_only=True)
    assert tok.tokenize("高新区2025年") == ["高", "新", "区", "2025", "年"] or "高" in tok.tokenize("高新区")
    assert model.config.num_hidden_layers == 1
    assert (out / "metrics.json").exists() and (out / "README.md").exists() and (out / "loss_curve.png").exists()
    assert 0.0 <= m["heldout"]["acc_char"] <= 1.0


def test_resume_continues_step_count(corpus, tmp_path):
    out = tmp_path / "base"
    pretrain([corpus], out, overrides=TINY, max_steps=6, quiet=True)
    cfg = {**TINY}
    p = Pretrainer([str(corpus)], out, cfg | {"training": {**TINY["training"]}}, resume=True)
    assert p.step == 6
    m = p.run(max_steps=9, quiet=True)
    assert m["step"] == 9
