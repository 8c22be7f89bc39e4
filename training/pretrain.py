"""Pretrain the xinwen base: tokenizer + small BERT with whole-word masking, on CPU if need be.

Designed for long unattended runs: time-based checkpoints, `resume=True` continues after
a kill, `max_minutes` stops cleanly, held-out masked-token accuracy is tracked throughout.
"""

from __future__ import annotations

import json
import math
import random
import signal
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import torch
import yaml
from safetensors.torch import load_model, save_model
from transformers import AutoTokenizer, get_linear_schedule_with_warmup
from xinwen.models.bert import masked_lm_logits, new_masked_lm
from xinwen.models.tokenizer import train_tokenizer
from xinwen.training.corpus import item_text, iter_items
from xinwen.training.masking import char_word_ids, mask_batch, token_word_ids
from xinwen.training.pretrain_report import write_card, write_curve

from xinwen.settings import file_sha256, load_config, stable_bucket
from xinwen.ui import log_line, progress_bar


def _split(paths, heldout_every: int, heldout: bool) -> Iterator[dict]:
    for item in iter_items(paths):
        if (stable_bucket(item["id"], heldout_every) == 0) == heldout:
            yield item


def windows(items: Iterator[dict], tokenizer, seq_len: int, counter: dict) -> Iterator[tuple[list, list]]:
    """Cut each item into token windows of `seq_len` (with [CLS]/[SEP]) plus per-token word ids."""
    body = seq_len - 2
    for item in items:
        counter["items"] = counter.get("items", 0) + 1
        text = item_text(item)
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        words = token_word_ids(enc["offset_mapping"], char_word_ids(text))
        ids = enc["input_ids"]
        for s in range(0, len(ids), body):
            chunk = ids[s : s + body]
            if len(chunk) < 16:
                continue
            yield (
                [tokenizer.cls_token_id, *chunk, tokenizer.sep_token_id],
                [-1, *words[s : s + body], -1],
            )


def shuffled(stream: Iterator, buffer: int, rng: random.Random) -> Iterator:
    buf: list = []
    for x in stream:
        buf.append(x)
        if len(buf) >= buffer:
            i = rng.randrange(len(buf))
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()
    rng.shuffle(buf)
    yield from buf


def collate(examples: list[tuple[list, list]], pad_id: int) -> dict[str, torch.Tensor]:
    n = max(len(e[0]) for e in examples)
    ids = torch.full((len(examples), n), pad_id, dtype=torch.long)
    words = torch.full((len(examples), n), -1, dtype=torch.long)
    att = torch.zeros((len(examples), n), dtype=torch.long)
    for i, (t, w) in enumerate(examples):
        ids[i, : len(t)] = torch.tensor(t)
        words[i, : len(w)] = torch.tensor(w)
        att[i, : len(t)] = 1
    return {"input_ids": ids, "word_ids": words, "attention_mask": att}


def ppmi_embeddings(id_lists: list[list[int]], vocab: int, dim: int, window: int) -> torch.Tensor:
    """Warm-start embeddings from an SVD of positive PMI of token co-occurrence.

    Measured in shared/notes: the model leaves the unigram plateau several times sooner.
    """
    counts = np.zeros(vocab * vocab, dtype=np.float32)
    pending: list[np.ndarray] = []
    n_pending = 0
    for j, ids in enumerate(id_lists):
        a = np.asarray(ids, dtype=np.int64)
        for d in range(1, window + 1):
            if len(a) > d:
                pending += [a[:-d] * vocab + a[d:], a[d:] * vocab + a[:-d]]
                n_pending += 2 * (len(a) - d)
        if n_pending > 20_000_000 or j == len(id_lists) - 1:  # one bincount per ~20M pairs
            if pending:
                counts += np.bincount(np.concatenate(pending), minlength=vocab * vocab).astype(np.float32)
            pending, n_pending = [], 0
    c = torch.from_numpy(counts.reshape(vocab, vocab))
    total = c.sum().clamp_min(1.0)
    row = c.sum(1, keepdim=True).clamp_min(1.0)
    col = c.sum(0, keepdim=True).clamp_min(1.0)
    pmi = torch.log((c * total) / (row * col)).nan_to_num(0.0, posinf=0.0, neginf=0.0).clamp_min(0.0)
    u, s, _ = torch.svd_lowrank(pmi, q=dim, niter=4)
    emb = u * s.sqrt()
    return emb / emb.std().clamp_min(1e-6) * 0.02


class Pretrainer:
    """Holds model, optimiser and data stream; `run()` trains until steps or minutes run out."""

    def __init__(self, corpus: list[str], out_dir: str | Path, cfg: dict[str, Any], resume: bool = False):
        self.cfg, self.corpus, self.out = cfg, [str(c) for c in corpus], Path(out_dir)
        self.ckpt = self.out / "checkpoint"
        self.tcfg = cfg["training"]
        self.out.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(cfg["seed"])
        if self.tcfg.get("num_threads"):
            torch.set_num_threads(int(self.tcfg["num_threads"]))
        self.step, self.items_done, self.history = 0, 0, {"train": [], "eval": []}
        self.elapsed = 0.0
        self.tokenizer = self._tokenizer(resume)
        V = len(self.tokenizer)
        self.model = new_masked_lm(cfg["model"], V, self.tokenizer.pad_token_id)
        # a GPU, when there is one, with bf16 autocast; CPU runs stay fp32
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.model.to(self.device)
        self.baselines: dict[str, float] = {}
        decay = [p for n, p in self.model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))]
        rest = [p for n, p in self.model.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.tcfg["weight_decay"]}, {"params": rest, "weight_decay": 0.0}],
            lr=self.tcfg["lr"], betas=(0.9, 0.98), eps=1e-6,
        )
        self.sched = get_linear_schedule_with_warmup(self.opt, self.tcfg["warmup_steps"], self.tcfg["max_steps"])
        self.eval_batches = self._eval_set()
        if resume and (self.ckpt / "state.pt").exists():
            self._load_checkpoint()
        else:
            self._init_embeddings()
            self.baselines["untrained"] = self.evaluate()["acc_char"]

    # -- setup -------------------------------------------------------------------------
    def _tokenizer(self, resume: bool):
        if resume and (self.out / "tokenizer.json").exists():
            return AutoTokenizer.from_pretrained(str(self.out), local_files_only=True)
        tc = self.cfg["tokenizer"]
        texts = (item_text(it) for it in islice(_split(self.corpus, self.tcfg["heldout_every"], False), tc["train_items"]))
        tok = train_tokenizer(texts, tc["vocab_size"], tc["min_frequency"])
        tok.save_pretrained(str(self.out))
        return tok

    def _init_embeddings(self) -> None:
        ec = self.cfg.get("embedding_init", {}) or {}
        items = islice(_split(self.corpus, self.tcfg["heldout_every"], False), ec.get("items", 30000))
        id_lists = [self.tokenizer(item_text(it), add_special_tokens=False)["input_ids"] for it in items]
        V = len(self.tokenizer)
        freq = np.bincount(np.concatenate([np.asarray(x, dtype=np.int64) for x in id_lists if x]), minlength=V)
        self.most_frequent = int(freq.argmax())
        if ec.get("method", "none") == "ppmi":
            emb = ppmi_embeddings(id_lists, V, self.model.config.hidden_size, ec.get("window", 2))
            with torch.no_grad():
                self.model.bert.embeddings.word_embeddings.weight.copy_(emb)

    def _eval_set(self) -> list[dict[str, torch.Tensor]]:
        """Fixed held-out windows, masked once with a fixed seed so evaluations compare."""
        tc = self.tcfg
        wins = list(islice(windows(_split(self.corpus, tc["heldout_every"], True), self.tokenizer, tc["seq_len"], {}), tc["eval_sequences"]))
        rng = random.Random(0)
        out = []
        for i in range(0, len(wins), 32):
            b = collate(wins[i : i + 32], self.tokenizer.pad_token_id)
            special = b["attention_mask"].eq(0) | b["word_ids"].lt(0)
            for name, whole in (("char", False), ("wwm", True)):
                ids, labels = mask_batch(b["input_ids"], b["word_ids"], special, self.tokenizer.mask_token_id,
                                         len(self.tokenizer), rng, tc["mask_prob"], whole_word=whole, all_mask=True)
                out.append({"kind": name, "input_ids": ids, "attention_mask": b["attention_mask"], "labels": labels})
        return out

    # -- evaluation --------------------------------------------------------------------
    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        self.model.eval()
        stats: dict[str, list[float]] = {"char": [0, 0, 0.0], "wwm": [0, 0, 0.0]}
        mf = getattr(self, "most_frequent", None)
        mf_hits = 0
        for b in self.eval_batches:
            with self._autocast():
                logits, tgt = masked_lm_logits(self.model, *(b[k].to(self.device) for k in ("input_ids", "attention_mask", "labels")))
            logits, tgt = logits.float().cpu(), tgt.cpu()
            s = stats[b["kind"]]
            s[0] += int((logits.argmax(-1) == tgt).sum())
            s[1] += int(tgt.numel())
            s[2] += float(torch.nn.functional.cross_entropy(logits, tgt, reduction="sum"))
            if b["kind"] == "char" and mf is not None:
                mf_hits += int((tgt == mf).sum())
        self.model.train()
        res = {}
        for k, (hit, n, nll) in stats.items():
            res[f"acc_{k}"] = hit / max(n, 1)
            res[f"ppl_{k}"] = math.exp(min(nll / max(n, 1), 50))
        if mf is not None:
            self.baselines["most_frequent_char"] = mf_hits / max(stats["char"][1], 1)
        return res

    # -- checkpoints -------------------------------------------------------------------
    def _save_checkpoint(self) -> None:
        self.ckpt.mkdir(parents=True, exist_ok=True)
        save_model(self.model, str(self.ckpt / "model.tmp"))
        state = {"opt": self.opt.state_dict(), "sched": self.sched.state_dict(), "step": self.step,
                 "items_done": self.items_done, "elapsed": self.elapsed,
                 "history": json.dumps(self.history), "baselines": json.dumps(self.baselines),
                 "most_frequent": getattr(self, "most_frequent", -1)}
        torch.save(state, self.ckpt / "state.tmp")
        (self.ckpt / "model.tmp").replace(self.ckpt / "model.safetensors")
        (self.ckpt / "state.tmp").replace(self.ckpt / "state.pt")

    def _load_checkpoint(self) -> None:
        load_model(self.model, str(self.ckpt / "model.safetensors"))
        state = torch.load(self.ckpt / "state.pt", weights_only=True)
        self.opt.load_state_dict(state["opt"])
        self.sched.load_state_dict(state["sched"])
        self.step, self.items_done, self.elapsed = state["step"], state["items_done"], state["elapsed"]
        self.history = json.loads(state["history"])
        self.baselines = json.loads(state["baselines"])
        self.most_frequent = int(state["most_frequent"])

    # -- training ----------------------------------------------------------------------
    def batches(self) -> Iterator[dict[str, torch.Tensor]]:
        tc = self.tcfg
        rng = random.Random(self.cfg["seed"] + self.step)
        counter = {"items": 0}
        skip = self.items_done
        while True:  # epochs over the corpus; resume skips the items already consumed
            items = _split(self.corpus, tc["heldout_every"], False)
            if skip:
                items = islice(items, skip, None)
                counter["items"] = skip
                skip = 0
            buf: list = []
            for w in shuffled(windows(items, self.tokenizer, tc["seq_len"], counter), 2000, rng):
                buf.append(w)
                if len(buf) == tc["batch_size"]:
                    self.items_done = counter["items"]
                    b = collate(buf, self.tokenizer.pad_token_id)
                    special = b["attention_mask"].eq(0) | b["word_ids"].lt(0)
                    b["input_ids"], b["labels"] = mask_batch(
                        b["input_ids"], b["word_ids"], special, self.tokenizer.mask_token_id,
                        len(self.tokenizer), rng, tc["mask_prob"], whole_word=tc["whole_word"])
                    yield b
                    buf = []
            counter["items"] = 0

    def _autocast(self):
        return torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.device.type == "cuda")

    def train_step(self, batch: dict[str, torch.Tensor]) -> float:
        batch = {k: v.to(self.device) for k, v in batch.items()}
        with self._autocast():
            return self._train_step(batch)

    def _train_step(self, batch: dict[str, torch.Tensor]) -> float:
        if self.tcfg["masked_only_head"]:
            logits, tgt = masked_lm_logits(self.model, batch["input_ids"], batch["attention_mask"], batch["labels"])
            loss = torch.nn.functional.cross_entropy(logits, tgt)
        else:
            loss = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"]).loss
        (loss / self.tcfg["grad_accum"]).backward()
        return float(loss.detach())

    def run(self, max_minutes: float | None = None, max_steps: int | None = None, quiet: bool = False) -> dict:
        """Train until max_steps, max_minutes or Ctrl-C/SIGTERM; then save and write the folder."""
        max_steps = max_steps or self.tcfg["max_steps"]
        started, start_elapsed = time.time(), self.elapsed
        stream = self.batches()
        total = max_steps - self.step
        self._stop = {"now": False}

        def _stop(signum, frame):  # Ctrl-C / SIGTERM: finish the step, save, write the folder
            self._stop["now"] = True

        old_int, old_term = signal.signal(signal.SIGINT, _stop), signal.signal(signal.SIGTERM, _stop)
        try:
            self._loop(stream, max_steps, max_minutes, started, start_elapsed, total, quiet)
        finally:
            signal.signal(signal.SIGINT, old_int)
            signal.signal(signal.SIGTERM, old_term)
        self._save_checkpoint()
        return self.finish()

    def _loop(self, stream, max_steps, max_minutes, started, start_elapsed, total, quiet) -> None:
        tc = self.tcfg
        last_ckpt, tokens, t0 = time.time(), 0, time.time()
        with progress_bar(quiet) as bar:
            task = bar.add_task("pretrain", total=total, info="")
            while self.step < max_steps and not self._stop["now"]:
                loss = 0.0
                for _ in range(tc["grad_accum"]):
                    b = next(stream)
                    tokens += int(b["attention_mask"].sum())
                    loss += self.train_step(b) / tc["grad_accum"]
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
                self.sched.step()
                self.opt.zero_grad(set_to_none=True)
                self.step += 1
                self.elapsed = start_elapsed + time.time() - started
                tps = tokens / max(time.time() - t0, 1e-6)
                if self.step % tc["log_every"] == 0:
                    self.history["train"].append({"step": self.step, "loss": loss, "tokens_per_s": tps})
                msg = f"loss {loss:.3f} · {tps:,.0f} tok/s"
                if self.step % tc["eval_every"] == 0:
                    ev = self.evaluate()
                    self.history["eval"].append({"step": self.step, **ev})
                    msg += f" · held-out acc {ev['acc_char']:.1%} (wwm {ev['acc_wwm']:.1%})"
                    bar.console.log(f"step {self.step}: {msg}")
                bar.update(task, advance=1, info=msg)
                if self.step % (tc["log_every"] * 10) == 0:
                    log_line(f"step {self.step} · {msg} · {self.elapsed / 60:.1f} min")
                if time.time() - last_ckpt > tc["checkpoint_minutes"] * 60:
                    self._save_checkpoint()
                    write_curve(self.history, self.out / "loss_curve.png")
                    last_ckpt = time.time()
                if max_minutes is not None and time.time() - started > max_minutes * 60:
                    break

    def finish(self) -> dict:
        """Write the standard Hugging Face folder, metrics.json, curve and model card."""
        final = self.evaluate()
        self.history["eval"].append({"step": self.step, **final})
        self.model.save_pretrained(str(self.out))
        self.tokenizer.save_pretrained(str(self.out))
        tokens_seen = self.step * self.tcfg["batch_size"] * self.tcfg["grad_accum"] * self.tcfg["seq_len"]
        metrics = {
            "step": self.step, "minutes": round(self.elapsed / 60, 1), "tokens_seen_upper_bound": tokens_seen,
            "items_consumed": self.items_done, "heldout": final, "baselines": self.baselines,
            "history": self.history,
        }
        data = [{"path": c, "sha256": file_sha256(c)} for c in self.corpus]
        (self.out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1))
        (self.out / "pretrain_config.yaml").write_text(yaml.safe_dump(self.cfg, allow_unicode=True))
        (self.out / "data.json").write_text(json.dumps(data, indent=1))
        write_curve(self.history, self.out / "loss_curve.png")
        write_card(self.out, self.cfg, metrics, data)
        return metrics


def pretrain(corpus: list[str | Path], out_dir: str | Path, config: str | Path | None = None,
             resume: bool = False, max_minutes: float | None = None, max_steps: int | None = None,
             overrides: dict | None = None, quiet: bool = False) -> dict:
    """Library entry point behind `xinwen pretrain`."""
    cfg = load_config(config, "pretrain")
    for k, v in (overrides or {}).items():
        cfg.setdefault(k, {}).update(v) if isinstance(v, dict) else cfg.__setitem__(k, v)
    return Pretrainer(list(corpus), out_dir, cfg, resume=resume).run(max_minutes, max_steps, quiet)
