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
from transformers import AutoTokenizer
from xinwen.models.bert import masked_lm_logits, new_masked_lm, save_hf_folder
from xinwen.models.tokenizer import train_tokenizer
from xinwen.training.corpus import item_text
from xinwen.training.masking import mask_batch
from xinwen.training.pretrain_config import load_pretrain_config
from xinwen.training.pretrain_data import Shard, collate, is_shard, shuffled, split_items, windows
from xinwen.training.pretrain_report import write_card, write_curve

from xinwen.settings import file_sha256
from xinwen.ui import log_line, progress_bar


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
        self.elapsed, self.horizon_s = 0.0, None
        # a GPU, when there is one, with bf16 autocast; CPU runs stay fp32
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.shard_dir = self.corpus[0] if len(self.corpus) == 1 and is_shard(self.corpus[0]) else None
        self.tokenizer = self._tokenizer(resume)
        V = len(self.tokenizer)
        self.special_ids = sorted({self.tokenizer.pad_token_id, self.tokenizer.cls_token_id, self.tokenizer.sep_token_id})
        self.shard = Shard(self.shard_dir, self.device, self.tokenizer.pad_token_id) if self.shard_dir else None
        self.model = new_masked_lm(cfg["model"], V, self.tokenizer.pad_token_id)
        self.model.to(self.device)
        self.baselines: dict[str, float] = {}
        decay = [p for n, p in self.model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))]
        rest = [p for n, p in self.model.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": self.tcfg["weight_decay"]}, {"params": rest, "weight_decay": 0.0}],
            lr=self.tcfg["lr"], betas=(0.9, 0.98), eps=1e-6, fused=self.device.type == "cuda",
        )
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, self._lr_factor)
        self.eval_batches = self._eval_set()
        if resume and (self.ckpt / "state.pt").exists():
            self._load_checkpoint()
        elif tc_init := self.tcfg.get("init_from"):
            self._init_from(tc_init)
        else:
            self._init_embeddings()
            self.baselines["untrained"] = self.evaluate()["acc_char"]

    def _lr_factor(self, step: int) -> float:
        """Linear warmup, then linear decay to 0 at max_steps, or at the wall-clock horizon
        when `run(max_minutes=...)` is given and `decay_by_time` is set: then a run of N
        minutes ends fully annealed on whatever hardware it gets."""
        warm = min(1.0, (step + 1) / max(1, self.tcfg["warmup_steps"]))
        done = step / self.tcfg["max_steps"]
        if self.horizon_s:
            done = max(done, self.elapsed / self.horizon_s) if step else 0.0
        return warm * max(0.0, 1.0 - done)

    # -- setup -------------------------------------------------------------------------
    def _tokenizer(self, resume: bool):
        if resume and (self.out / "tokenizer.json").exists():
            return AutoTokenizer.from_pretrained(str(self.out), local_files_only=True)
        fixed = self.shard_dir or self.tcfg.get("init_from")  # a shard or an earlier base fixes the tokenizer
        if fixed:
            tok = AutoTokenizer.from_pretrained(str(fixed), local_files_only=True)
        else:
            tc = self.cfg["tokenizer"]
            items = islice(split_items(self.corpus, self.tcfg["heldout_every"], False), tc["train_items"])
            tok = train_tokenizer((item_text(it) for it in items), tc["vocab_size"], tc["min_frequency"])
        tok.save_pretrained(str(self.out))
        return tok

    def _init_embeddings(self) -> None:
        ec = self.cfg.get("embedding_init", {}) or {}
        V = len(self.tokenizer)
        if self.shard is not None:
            id_lists = self.shard.token_lists(ec.get("items", 30000), self.special_ids)
            freq = self.shard.token_counts(V, self.special_ids)
        else:
            items = islice(split_items(self.corpus, self.tcfg["heldout_every"], False), ec.get("items", 30000))
            id_lists = [self.tokenizer(item_text(it), add_special_tokens=False, verbose=False)["input_ids"] for it in items]
            freq = np.bincount(np.concatenate([np.asarray(x, dtype=np.int64) for x in id_lists if len(x)]), minlength=V)
        self.most_frequent = int(freq.argmax())
        if ec.get("method", "none") == "ppmi":
            emb = ppmi_embeddings(id_lists, V, self.model.config.hidden_size, ec.get("window", 2))
            with torch.no_grad():
                self.model.bert.embeddings.word_embeddings.weight.copy_(emb)

    def _init_from(self, path: str) -> None:
        """Continue from an earlier base (e.g. a new masking mix): same tokenizer, fresh optimiser."""
        from xinwen.models.bert import load_masked_lm

        model, tok = load_masked_lm(path)
        if tok.get_vocab() != self.tokenizer.get_vocab():
            raise ValueError(f"{path}: its tokenizer differs from this run's; cannot initialise from it")
        self.model.load_state_dict(model.state_dict())
        if self.shard is not None:
            self.most_frequent = int(self.shard.token_counts(len(self.tokenizer), self.special_ids).argmax())
        prev = Path(path) / "metrics.json"
        info = json.loads(prev.read_text()) if prev.exists() else {}
        if "untrained" in info.get("baselines", {}):
            self.baselines["untrained"] = info["baselines"]["untrained"]
        self.baselines["init_from"] = {"path": str(path), "step": info.get("step"), "minutes": info.get("minutes"),
                                       "device": info.get("device"), "heldout": info.get("heldout")}

    def _eval_set(self) -> list[dict[str, torch.Tensor]]:
        """Fixed held-out windows, masked once with a fixed seed so evaluations compare."""
        tc = self.tcfg
        n = tc["eval_sequences"]
        if self.shard is not None:
            full = self.shard.batch(self.shard.eval_ids[:n], self.shard.eval_starts[:n], self.special_ids)
            chunks = [{k: v[i : i + 32] for k, v in full.items()} for i in range(0, full["input_ids"].size(0), 32)]
        else:
            wins = list(islice(windows(split_items(self.corpus, tc["heldout_every"], True), self.tokenizer, tc["seq_len"], {}), n))
            chunks = [collate(wins[i : i + 32], self.tokenizer.pad_token_id) for i in range(0, len(wins), 32)]
        gen = torch.Generator().manual_seed(0)
        out = []
        for b in chunks:
            special = b["attention_mask"].eq(0) | b["word_ids"].lt(0)
            for name, whole in (("char", False), ("wwm", True)):
                ids, labels = mask_batch(b["input_ids"], b["word_ids"], special, self.tokenizer.mask_token_id,
                                         len(self.tokenizer), gen, tc["mask_prob"], whole_word=whole, all_mask=True)
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
        """Masked training batches on the training device; resume continues where it stopped."""
        tc = self.tcfg
        gen = torch.Generator(device=self.device).manual_seed(self.cfg["seed"] + self.step)
        for b in self._unmasked_batches():
            b = {k: v.to(self.device) for k, v in b.items()}
            special = b["attention_mask"].eq(0) | b["word_ids"].lt(0)
            whole: bool | torch.Tensor = tc["whole_word"]
            if whole and tc.get("char_mask_share", 0.0) > 0:  # some rows with single-character masks
                whole = torch.rand(b["input_ids"].size(0), generator=gen, device=self.device).ge(tc["char_mask_share"])
            b["input_ids"], b["labels"] = mask_batch(
                b["input_ids"], b["word_ids"], special, self.tokenizer.mask_token_id,
                len(self.tokenizer), gen, tc["mask_prob"], whole_word=whole)
            yield b

    def _unmasked_batches(self) -> Iterator[dict[str, torch.Tensor]]:
        tc = self.tcfg
        if self.shard is not None:  # items_done counts windows here
            for b in self.shard.train_batches(tc["batch_size"], self.cfg["seed"], self.items_done, self.special_ids):
                self.items_done += b["input_ids"].size(0)
                yield b
            return  # (never reached: shard epochs repeat until the caller stops)
        rng = random.Random(self.cfg["seed"] + self.step)
        counter = {"items": 0}
        skip = self.items_done
        while True:  # epochs over the corpus; resume skips the items already consumed
            items = split_items(self.corpus, tc["heldout_every"], False)
            if skip:
                items = islice(items, skip, None)
                counter["items"] = skip
                skip = 0
            buf: list = []
            for w in shuffled(windows(items, self.tokenizer, tc["seq_len"], counter), 2000, rng):
                buf.append(w)
                if len(buf) == tc["batch_size"]:
                    self.items_done = counter["items"]
                    yield collate(buf, self.tokenizer.pad_token_id)
                    buf = []
            counter["items"] = 0

    def _autocast(self):
        return torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.device.type == "cuda")

    def train_step(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Forward + backward of one (micro)batch; returns the loss as a tensor (no device sync)."""
        batch = {k: v.to(self.device) for k, v in batch.items()}
        with self._autocast():
            if self.tcfg["masked_only_head"]:
                logits, tgt = masked_lm_logits(self.model, batch["input_ids"], batch["attention_mask"], batch["labels"])
                loss = torch.nn.functional.cross_entropy(logits.float(), tgt)
            else:
                loss = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                                  labels=batch["labels"]).loss
        (loss / self.tcfg["grad_accum"]).backward()
        return loss.detach()

    def run(self, max_minutes: float | None = None, max_steps: int | None = None, quiet: bool = False) -> dict:
        """Train until max_steps, max_minutes or Ctrl-C/SIGTERM; then save and write the folder."""
        max_steps = max_steps or self.tcfg["max_steps"]
        started, start_elapsed = time.time(), self.elapsed
        stream = self.batches()
        total = max_steps - self.step
        if max_minutes and self.tcfg.get("decay_by_time"):
            self.horizon_s = start_elapsed + max_minutes * 60
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
        last_ckpt, t0 = time.time(), time.time()
        tokens = torch.zeros((), device=self.device, dtype=torch.long)
        msg = ""
        timed = bool(self.horizon_s)  # a wall-clock schedule: the bar (and its ETA) counts seconds
        with progress_bar(quiet) as bar:
            task = bar.add_task("pretrain", total=max_minutes * 60 if timed else total, info="")
            while self.step < max_steps and not self._stop["now"]:
                loss = torch.zeros((), device=self.device)
                for _ in range(tc["grad_accum"]):
                    b = next(stream)
                    tokens += b["attention_mask"].sum()
                    loss += self.train_step(b) / tc["grad_accum"]
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                self.opt.step()
                self.step += 1
                self.elapsed = start_elapsed + time.time() - started
                self.sched.step()
                self.opt.zero_grad(set_to_none=True)
                if self.step % tc["log_every"] == 0:  # the only per-step sync with the device
                    tps = int(tokens) / max(time.time() - t0, 1e-6)
                    self.history["train"].append({"step": self.step, "loss": float(loss), "tokens_per_s": tps})
                    msg = f"loss {float(loss):.3f} · {tps:,.0f} tok/s"
                if self.step % tc["eval_every"] == 0:
                    ev = self.evaluate()
                    self.history["eval"].append({"step": self.step, **ev})
                    msg += f" · held-out acc {ev['acc_char']:.1%} (wwm {ev['acc_wwm']:.1%})"
                    bar.console.log(f"step {self.step}: {msg}")
                if timed:
                    bar.update(task, completed=time.time() - started, info=f"step {self.step} · {msg}")
                else:
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
        save_hf_folder(self.model, self.tokenizer, self.out)
        tokens_seen = self.step * self.tcfg["batch_size"] * self.tcfg["grad_accum"] * self.tcfg["seq_len"]
        metrics = {
            "step": self.step, "minutes": round(self.elapsed / 60, 1), "tokens_seen_upper_bound": tokens_seen,
            "items_consumed": self.items_done, "heldout": final, "baselines": self.baselines,
            "device": torch.cuda.get_device_name() if self.device.type == "cuda" else "cpu",
            "torch": torch.__version__, "history": self.history,
        }
        if self.shard is not None:  # provenance is the shard's corpus, hashed when the shard was made
            metrics["items_consumed"] = None
            metrics["windows_consumed"] = self.items_done
            shard = {k: v for k, v in self.shard.meta.items() if k != "sources"}
            data = [{**src, "via_shard": shard} for src in self.shard.meta["sources"]]
        else:
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
    cfg = load_pretrain_config(config, overrides)
    return Pretrainer(list(corpus), out_dir, cfg, resume=resume).run(max_minutes, max_steps, quiet)
