"""Pretraining in seconds: tiny tokenizer, 1-layer model, a dozen sentences."""

import json

import pytest
import torch
import yaml
from xinwen.training.masking import char_word_ids, mask_batch, token_word_ids
from xinwen.training.pretrain import Pretrainer, pretrain

from tests.conftest import FIX
from xinwen.settings import load_config

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
    text = "湘潭高新区引进项目"
    words = char_word_ids(text)
    offsets = [(i, i + 1) for i in range(len(text))]
    wid = torch.tensor([[-1, *token_word_ids(offsets, words), -1]])
    ids = torch.arange(len(text) + 2).unsqueeze(0) + 10
    special = wid.lt(0)
    for seed in range(20):
        _, labels = mask_batch(ids, wid, special, 4, 100, torch.Generator().manual_seed(seed), mask_prob=0.3)
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
    toks = tok.tokenize("高新区2025年")
    assert toks[:3] == ["高", "新", "区"] and toks[-1] == "年"  # one token per Chinese character, digits apart
    assert model.config.num_hidden_layers == 1
    assert (out / "metrics.json").exists() and (out / "README.md").exists() and (out / "loss_curve.png").exists()
    # 40 steps already beat a uniform guess over the vocabulary on held-out text
    assert m["heldout"]["ppl_char"] < tok.vocab_size


def test_resume_continues_step_count(corpus, tmp_path):
    out = tmp_path / "base"
    pretrain([corpus], out, overrides=TINY, max_steps=6, quiet=True)
    cfg = {**TINY}
    p = Pretrainer([str(corpus)], out, cfg | {"training": {**TINY["training"]}}, resume=True)
    assert p.step == 6
    m = p.run(max_steps=9, quiet=True)
    assert m["step"] == 9


def test_mask_rate_and_replacement_mix():
    ids = torch.randint(10, 100, (256, 64))
    wid = (torch.arange(64) // 2).expand(256, 64).clone()
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[:, 0] = True
    wid[special] = -1
    masked, labels = mask_batch(ids, wid, special, 4, 100, torch.Generator().manual_seed(0), mask_prob=0.15)
    chosen = labels.ne(-100)
    assert 0.13 < chosen[:, 1:].float().mean() < 0.17
    assert not chosen[:, 0].any()
    assert 0.75 < masked[chosen].eq(4).float().mean() < 0.85
    assert chosen.sum(1).gt(0).all()  # no row without a target


def test_pretokenized_shard_trains_and_resumes(corpus, tmp_path):
    from xinwen.training.pretokenize import pretokenize

    base = tmp_path / "base"
    pretrain([corpus], base, overrides=TINY, max_steps=2, quiet=True)  # for its tokenizer
    shard = tmp_path / "shard"
    cfg = load_config(None, "pretrain") | {"training": {**TINY["training"]}}
    cfg_file = tmp_path / "cfg.yaml"
    cfg_file.write_text(yaml.safe_dump(cfg))
    meta = pretokenize([corpus], shard, base, cfg_file, workers=1)
    assert meta["windows"] > 0 and meta["eval_windows"] > 0 and meta["sources"][0]["sha256"]
    out = tmp_path / "from_shard"
    m = pretrain([shard], out, overrides=TINY, max_steps=30, quiet=True)
    losses = [h["loss"] for h in m["history"]["train"]]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5
    assert m["windows_consumed"] == 30 * TINY["training"]["batch_size"]
    p = Pretrainer([str(shard)], out, TINY, resume=True)
    assert p.step == 30 and p.items_done == m["windows_consumed"]
    assert "pretokenized shard" in (out / "README.md").read_text(encoding="utf-8")


def test_rows_can_mix_whole_word_and_char_masking():
    wid = (torch.arange(40) // 4).expand(2, 40).clone()  # words of 4 tokens
    ids = torch.randint(10, 100, (2, 40))
    special = torch.zeros_like(ids, dtype=torch.bool)
    split_words = [0, 0]
    for seed in range(30):
        _, labels = mask_batch(ids, wid, special, 4, 100, torch.Generator().manual_seed(seed), mask_prob=0.4,
                               whole_word=torch.tensor([True, False]))
        for row in (0, 1):
            m = labels[row].ne(-100)
            split_words[row] += sum(1 for w in range(10) if 0 < int(m[wid[row] == w].sum()) < 4)
    assert split_words[0] == 0 and split_words[1] > 0


def test_init_from_an_earlier_base(corpus, tmp_path):
    from xinwen.models.bert import load_masked_lm

    first = tmp_path / "first"
    pretrain([corpus], first, overrides=TINY, max_steps=4, quiet=True)
    cfg = {**TINY, "training": {**TINY["training"], "init_from": str(first), "char_mask_share": 0.5}}
    p = Pretrainer([str(corpus)], tmp_path / "second", cfg)
    ref, _ = load_masked_lm(first)
    assert all(torch.equal(a, b) for a, b in zip(p.model.state_dict().values(), ref.state_dict().values()))
    m = p.run(max_steps=3, quiet=True)
    assert m["baselines"]["init_from"]["step"] == 4
    assert "initialised from" in (tmp_path / "second" / "README.md").read_text(encoding="utf-8")


def test_wall_clock_schedule_decays_with_elapsed_time(corpus, tmp_path):
    cfg = {**TINY, "training": {**TINY["training"], "decay_by_time": True}}
    p = Pretrainer([str(corpus)], tmp_path / "timed", cfg)
    p.horizon_s, p.elapsed = 100.0, 50.0
    assert p._lr_factor(10) == pytest.approx(0.5)
    p.elapsed = 120.0
    assert p._lr_factor(10) == 0.0
    p.horizon_s, p.elapsed = None, 0.0
    assert p._lr_factor(10) == pytest.approx(1 - 10 / TINY["training"]["max_steps"])
    m = p.run(max_minutes=0.02, quiet=True)  # stops on the clock, annealed
    assert m["step"] >= 1 and p.horizon_s == pytest.approx(0.02 * 60)


def test_every_window_of_a_long_item_numbers_its_words_from_zero():
    from xinwen.models.tokenizer import train_tokenizer
    from xinwen.training.pretrain_data import collate, item_windows

    rows = [json.loads(x) for x in (FIX / "articles.jsonl").read_text(encoding="utf-8").splitlines() if x]
    text = "".join(r["text"] for r in rows)
    tok = train_tokenizer((r["text"] for r in rows), 600, 1)
    wins = item_windows(text, tok, 32)
    assert len(wins) > 4  # past the third window, where an item's running word count overflowed
    for ids, words in wins:
        real = [w for w in words if w >= 0]
        assert real[0] == 0 and max(real) < len(ids)
    batch = collate(wins, tok.pad_token_id)
    special = batch["word_ids"].lt(0)
    _, labels = mask_batch(batch["input_ids"], batch["word_ids"], special, tok.mask_token_id, len(tok),
                           torch.Generator().manual_seed(0))
    assert labels.ne(-100).any(1).all()


def test_a_config_naming_part_of_a_section_keeps_the_shipped_values_for_the_rest(tmp_path):
    """A config file names what it changes: `model: {num_hidden_layers: 2}` gives the shipped small
    BERT with two layers, not BertConfig's BERT-base defaults for the keys it leaves out."""
    from xinwen.training.pretrain_config import load_pretrain_config

    shipped = load_pretrain_config()
    cfg = tmp_path / "p.yaml"
    cfg.write_text("model:\n  num_hidden_layers: 2\ntraining:\n  lr: 0.002\n", encoding="utf-8")
    got = load_pretrain_config(cfg, {"training": {"max_steps": 7}})
    assert got["model"] == {**shipped["model"], "num_hidden_layers": 2}
    assert got["training"] == {**shipped["training"], "lr": 0.002, "max_steps": 7}
    assert got["tokenizer"] == shipped["tokenizer"] and got["seed"] == shipped["seed"]
