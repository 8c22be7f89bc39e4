"""Fine-tune a theme model (BERT or TF-IDF) on labelled articles; early stopping on dev macro-F1.

`base_model` may be our shipped base or any local BERT-style folder (same code path);
`init_from` continues from an existing theme model — the retraining workflow.
"""

from __future__ import annotations

import copy
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from safetensors.numpy import save_file
from sklearn.metrics import f1_score
from xinwen.models.tfidf import TfidfThemeModel
from xinwen.models.theme import encode, pad_batch, sorted_batch_scores
from xinwen.models.theme_config import ThemeModelConfig
from xinwen.models.theme_io import decide, tune_thresholds
from xinwen.training.labelled import LabelledSet, load_labelled, validate_all
from xinwen.training.seen import write_seen
from xinwen.training.theme_card import write_theme_card

from xinwen.settings import bundled_model, check_config, file_sha256, load_config, load_labels
from xinwen.ui import progress_bar
from xinwen.ui import warn as ui_warn


def _targets(ds, themes) -> np.ndarray:
    return np.array([[t in labs for t in themes] for labs in ds["labels"]], dtype=np.float32)


def _macro_f1(scores, primary, themes, other, thresholds) -> float:
    pred = [d["theme"] for d in decide(scores, themes, thresholds, other)]
    return float(f1_score(primary, pred, labels=[*themes, other], average="macro", zero_division=0))


def _fit_tfidf(cfg, train, dev, themes):
    m = TfidfThemeModel(themes, cfg.get("tfidf", {})).fit(train["title"], train["text"], _targets(train, themes),
                                                          list(train["primary"]))
    return m, (m.predict_scores(dev["title"], dev["text"]) if dev is not None else None)


def _load_bert(base_model: str | None, init_from: str | None, themes, random_init: bool):
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    from xinwen.models.bert import load_offline

    src = init_from or base_model or bundled_model("base_model")
    if src is None:
        raise FileNotFoundError("no base model: pass --base-model DIR (any local BERT-style folder)")
    src = str(src)
    kw = dict(num_labels=len(themes), problem_type="multi_label_classification",
              id2label=dict(enumerate(themes)), label2id={t: i for i, t in enumerate(themes)})
    tok = AutoTokenizer.from_pretrained(src, local_files_only=True)
    if random_init:
        config = AutoConfig.from_pretrained(src, local_files_only=True, **kw)
        # float32 whatever dtype the base was stored in (the shipped base is fp16 on disk)
        return AutoModelForSequenceClassification.from_config(config).float(), tok, src
    model = load_offline(AutoModelForSequenceClassification, src, new_head=init_from is None, **kw)
    return model, tok, src


def _weights_sha256(src) -> str | None:
    """Which weights a path held when this model was trained: the bundled base's path stays the
    same when a new base ships, its hash does not."""
    w = Path(src) / "model.safetensors" if src else None
    return file_sha256(w) if w is not None and w.is_file() else None


def _load_train(paths: str | list[str], labels, warn):
    """One or several labelled files (e.g. gold + self-training labels) as one dataset."""
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    return LabelledSet.concat([load_labelled(p, labels, warn) for p in paths]), paths


def _choose_blend(bert: np.ndarray | None, tfidf: np.ndarray, primary, themes, other, ensemble: bool,
                  parent: dict | None = None, min_gain: float = 0.01, min_support: int = 10):
    """TF-IDF blend weight and per-theme thresholds, both picked for macro-F1 on `primary`.

    Returns (weight, thresholds, BERT-only macro-F1). With no BERT scores it is TF-IDF alone.
    A retrained model (`parent`: the `--init-from` model's settings) keeps its parent's weight and
    starts from its thresholds unless another weight wins by `min_gain` macro-F1: a few dozen new
    labels tie most weights, and a tie must not drop the TF-IDF half that the parent was tuned to;
    a theme's threshold moves only where the data has `min_support` articles of it.
    """
    start = np.asarray(parent["thresholds"]) if parent and len(parent.get("thresholds", [])) == len(themes) else None
    support = min_support if start is not None else 0
    if bert is None:
        return 1.0, tune_thresholds(tfidf, primary, themes, other, start=start, min_support=support), float("nan")

    def f1_at(w: float) -> float:
        s = (1 - w) * bert + w * tfidf
        return _macro_f1(s, primary, themes, other, tune_thresholds(s, primary, themes, other, start=start,
                                                                    min_support=support))

    w, best, gain = 0.0, -1.0, 1e-4
    if parent is not None and ensemble:
        w, gain = float(parent.get("tfidf_weight", 0.0)), min_gain
        best = f1_at(w)
    for cand in np.round(np.arange(0.0, 0.81, 0.1), 2) if ensemble else [0.0]:
        f = f1_at(float(cand))
        if f > best + gain:
            w, best = float(cand), f
    bert_only = _macro_f1(bert, primary, themes, other, tune_thresholds(bert, primary, themes, other, start=start,
                                                                        min_support=support))
    return w, tune_thresholds((1 - w) * bert + w * tfidf, primary, themes, other, start=start,
                              min_support=support), bert_only


NUM = (int, float)
TRAIN_SCHEMA = {
    "seed": int, "architecture": ("bert", "tfidf"), "ensemble_tfidf": bool, "blend_min_gain": NUM,
    "threshold_min_support": int, "onnx": ("int8", "fp32", "none"),
    "bert": {"max_length": int, "head_fraction": NUM, "title_dropout": NUM, "epochs": int, "batch_size": int,
             "lr": NUM, "weight_decay": NUM, "warmup_ratio": NUM, "patience": int, "pos_weight_cap": NUM,
             "device": str, "seed": int},
    "tfidf": {"ngram_min": int, "ngram_max": int, "max_features": int, "word_ngram_max": int,
              "word_max_features": int, "objective": ("multinomial", "ovr"), "C": NUM},
}


def _parent_tfidf_if_better(init_from, themes, other, ref, bert, refit_scores, w, th, ensemble, parent,
                            min_gain, min_support):
    """(parent's TF-IDF model, its blend weight, thresholds), or None when the refit is better.

    The parent's TF-IDF half learned from all its data; one refit on a few dozen new labels knows
    only those. It stays unless the refit wins by `min_gain` on `ref`, where the blend is tuned."""
    kept = TfidfThemeModel.load(Path(init_from), themes)
    kept_scores = kept.predict_scores(ref["title"], ref["text"])
    w2, th2, _ = _choose_blend(bert, kept_scores, ref["primary"], themes, other, ensemble, parent, min_gain,
                               min_support)

    def mix(t, ww):
        return t if bert is None else (1 - ww) * bert + ww * t

    refit_f1 = _macro_f1(mix(refit_scores, w), ref["primary"], themes, other, th)
    kept_f1 = _macro_f1(mix(kept_scores, w2), ref["primary"], themes, other, th2)
    return (kept, w2, th2) if refit_f1 <= kept_f1 + min_gain else None


def train_theme(train_path: str | list[str], dev_path: str | None, out_dir: str, config: str | None = None,
                base_model: str | None = None, init_from: str | None = None, random_init: bool = False,
                quiet: bool = False, overrides: dict | None = None, folds: int = 0) -> dict:
    """Library entry point behind `xinwen train`. Returns the held-out metrics.

    Without `folds`, dev picks the epoch, the TF-IDF blend weight and the thresholds, so the dev
    figures are optimistic. With `folds=k`, those come from k-fold out-of-fold scores on the
    training data, the model is refit on all of it for the configured epochs, and dev (optional)
    is touched only to report an honest held-out score. That is also how to train on every
    labelled article: pass dev as a second `--train` and leave `--dev` out.
    """
    cfg = load_config(config, "train")
    for k, v in (overrides or {}).items():
        cfg[k] = {**cfg.get(k, {}), **v} if isinstance(v, dict) else v
    check_config(cfg, TRAIN_SCHEMA, str(config or "configs/train.yaml"))
    if not folds and not dev_path:
        raise ValueError("give a dev file, or --folds to tune on out-of-fold scores")
    labels = load_labels()
    themes, other = labels.themes, labels.other
    seed = int(cfg.get("seed", 13))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    warn = ui_warn if not quiet else (lambda m: None)
    all_paths = ([train_path] if isinstance(train_path, str | Path) else list(train_path)) + ([dev_path] if dev_path else [])
    validate_all(all_paths, labels, warn)  # every file's problems at once, overlaps warned
    train, train_paths = _load_train(train_path, labels, lambda m: None)
    dev = load_labelled(dev_path, labels, lambda m: None) if dev_path else None
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    is_bert = cfg["architecture"] != "tfidf"
    ensemble = cfg.get("ensemble_tfidf", True)
    min_gain = float(cfg.get("blend_min_gain", 0.01))
    min_support = int(cfg.get("threshold_min_support", 10))
    parent = ThemeModelConfig.from_dir(init_from).to_dict() if init_from else None
    meta: dict = {"themes": list(themes), "architecture": cfg["architecture"]}
    history: list[dict] = []
    cv: dict | None = None
    src = None
    if folds:
        from xinwen.training.crossval import out_of_fold

        cv = out_of_fold(folds, seed, train, themes,
                         lambda a, b: _fit_tfidf(cfg, a, b, themes)[1],
                         (lambda a, b, i: _train_bert(cfg, a, b, themes, other, base_model, init_from, random_init,
                                                      quiet, select=False, label=f"fold {i}")[3:])
                         if is_bert else None)
        w, th, bert_only = _choose_blend(cv["bert"], cv["tfidf"], train["primary"], themes, other, ensemble,
                                         parent, min_gain, min_support)
        history = cv["history"]
        # kept for re-blending or stacking later without retraining (row order = training data)
        save_file({k: np.ascontiguousarray(cv[k], dtype=np.float32) for k in ("bert", "tfidf") if cv[k] is not None},
                  str(out / "cv_scores.safetensors"))
    tfidf, tfidf_dev = _fit_tfidf(cfg, train, dev, themes)
    dev_bert = None
    if is_bert:
        model, tok, src, dev_bert, fit_history = _train_bert(cfg, train, dev, themes, other, base_model, init_from,
                                                             random_init, quiet, select=not folds)
        history = history or fit_history
        meta.update(max_length=cfg["bert"]["max_length"], head_fraction=cfg["bert"]["head_fraction"], base_model=src)
        from xinwen.models.bert import save_hf_folder

        save_hf_folder(model, tok, out)
    if not folds:
        w, th, bert_only = _choose_blend(dev_bert, tfidf_dev, dev["primary"], themes, other, ensemble,
                                         parent, min_gain, min_support)
    tfidf_from = "refit"
    if parent is not None and (parent.get("tfidf_weight", 0) > 0 or parent["architecture"] == "tfidf"):
        ref = train if folds else dev
        kept = _parent_tfidf_if_better(init_from, themes, other, ref, cv["bert"] if folds else dev_bert,
                                       cv["tfidf"] if folds else tfidf_dev, w, th, ensemble, parent, min_gain,
                                       min_support)
        if kept is not None:
            tfidf, w, th = kept
            tfidf_from = "parent"
            if dev is not None:
                tfidf_dev = tfidf.predict_scores(dev["title"], dev["text"])
    meta["tfidf_from"] = tfidf_from
    if is_bert and ensemble and w == 0:
        warn(f"the TF-IDF half was dropped: BERT alone scored best on {'out-of-fold scores' if folds else 'dev'} "
             f"({len(train) if folds else len(dev)} records); set ensemble_tfidf: false to mean it")
    if is_bert:
        meta["bert_only_macro_f1"] = bert_only
    if w > 0:
        tfidf.save(out)
    meta["tfidf_weight"] = w
    meta["tuned_on"] = f"{folds}-fold out-of-fold scores on the training data" if folds else "dev"
    meta["thresholds"] = [float(x) for x in th]
    meta.update(other=other, display={c: labels.zh.get(c, c) for c in (*themes, other)})
    model_cfg = ThemeModelConfig.from_dict(meta)
    model_cfg.to_dir(out)
    meta = model_cfg.to_dict()
    (out / "training_config.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True))
    data = {"train": [{"path": str(p), "sha256": file_sha256(p)} for p in train_paths], "train_records": len(train),
            "dev": {"path": str(dev_path), "sha256": file_sha256(dev_path), "records": len(dev)} if dev else None,
            "folds": folds or None, "seed": seed, "base_model": str(src) if src else None,
            "base_sha256": _weights_sha256(src), "init_from": init_from,
            "random_init": random_init, "minutes": round((time.time() - t0) / 60, 1)}
    (out / "data.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
    # a refit TF-IDF model starts from scratch; a BERT or a kept TF-IDF half carries what the parent saw
    write_seen(out, train, None if folds else dev, init_from if (is_bert or tfidf_from == "parent") else None)
    metrics = _report(train, dev, dev_bert, tfidf_dev, cv, w, th, themes, other, folds)
    metrics["history"] = history
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False))
    write_theme_card(out, meta, data, metrics)
    if is_bert:
        _export_graph(out, cfg.get("onnx", "int8"), warn)
    return metrics


def _export_graph(out: Path, how: str | None, warn) -> None:
    """The ONNX graph a shipped model has, so a retrained one classifies as fast (seconds, not the
    torch import's ~10 s); `onnx: none` in the config skips it."""
    if how in (None, "none"):
        return
    import importlib.util

    if not (importlib.util.find_spec("onnx") and importlib.util.find_spec("onnxruntime")):
        warn(f"{out}: no ONNX graph written (install xinwen[onnx]); classify runs on torch, slower to start")
        return
    from xinwen.models.onnx_graph import export_onnx

    export_onnx(out, None if how == "fp32" else how)


def _report(train, dev, dev_bert, tfidf_dev, cv, w, th, themes, other, folds) -> dict:
    """Held-out metrics: on dev when there is one, else on the out-of-fold scores; the TF-IDF
    baseline measured the same way, with its own tuned thresholds."""
    from xinwen.training.evaluate import evaluate_scores

    def blend(bert, tfidf):
        return tfidf if bert is None else (1 - w) * bert + w * tfidf

    def short(m):
        return {k: m[k] for k in ("accuracy", "macro_f1", "micro_f1_multilabel")}

    metrics: dict = {}
    # the baseline is tuned where the model was (out-of-fold, or dev): the same footing either way
    tth = tune_thresholds(cv["tfidf"], train["primary"], themes, other) if cv is not None else \
        tune_thresholds(tfidf_dev, dev["primary"], themes, other)
    if cv is not None:
        oof = evaluate_scores(blend(cv["bert"], cv["tfidf"]), train, themes, other, th)
        oof.pop("predictions")
        oof["tfidf_baseline"] = short(evaluate_scores(cv["tfidf"], train, themes, other, tth))
        metrics["cv"] = {"folds": folds, **oof}
    if dev is not None:
        metrics.update(evaluate_scores(blend(dev_bert, tfidf_dev), dev, themes, other, th))
        metrics["tfidf_baseline_dev"] = short(evaluate_scores(tfidf_dev, dev, themes, other, tth))
        metrics["held_out"] = "dev" + (" (untouched by training and tuning)" if cv else " (also used for tuning)")
    else:
        metrics.update({k: v for k, v in metrics["cv"].items() if k != "folds"})
        metrics["held_out"] = f"{folds}-fold out-of-fold"
    return metrics


def _train_bert(cfg, train, dev, themes, other, base_model, init_from, random_init, quiet, select: bool = True,
                label: str = "train"):
    """Fine-tune; returns (model, tokenizer, source, dev scores, per-epoch history).

    `select` keeps the epoch best on dev (early stopping); without it every configured epoch
    runs and the last one is kept, so dev stays an honest held-out set (or is absent).
    """
    bc = cfg["bert"]
    # `bert.seed` re-seeds the head's init and the batch order alone (the folds stay those of the
    # run's seed), so several BERTs can be fit on the same folds and averaged; without it the
    # run's seed goes on as it always did
    seed = int(bc.get("seed", cfg.get("seed", 13)))
    if "seed" in bc:
        torch.manual_seed(seed)
    model, tok, src = _load_bert(base_model, init_from, themes, random_init)
    device = _device(bc.get("device", "auto"))
    model.to(device)
    y = torch.tensor(_targets(train, themes), device=device)
    pos = y.sum(0).clamp_min(1.0)
    pos_weight = ((len(y) - pos) / pos).clamp(max=bc["pos_weight_cap"])
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    full = encode(tok, train["title"], train["text"], bc["max_length"], bc["head_fraction"])
    notitle = encode(tok, [None] * len(train), train["text"], bc["max_length"], bc["head_fraction"])
    dev_seqs = encode(tok, dev["title"], dev["text"], bc["max_length"], bc["head_fraction"]) if dev else None
    opt = torch.optim.AdamW(model.parameters(), lr=bc["lr"], weight_decay=bc["weight_decay"])
    steps = bc["epochs"] * ((len(full) + bc["batch_size"] - 1) // bc["batch_size"])
    from transformers import get_linear_schedule_with_warmup

    sched = get_linear_schedule_with_warmup(opt, int(steps * bc["warmup_ratio"]), steps)
    rng = random.Random(seed)
    best, best_state, scores, best_scores, bad, history = -1.0, None, None, None, 0, []
    with progress_bar(quiet) as bar:
        task = bar.add_task(label, total=steps, info="")
        for epoch in range(1, bc["epochs"] + 1):
            model.train()
            # length-bucketed shuffling: batches of similar length, in random order
            idx = sorted(range(len(full)), key=lambda i: len(full[i]) + rng.random() * 40)
            batches = [idx[i : i + bc["batch_size"]] for i in range(0, len(idx), bc["batch_size"])]
            rng.shuffle(batches)
            for bidx in batches:
                seqs = [notitle[i] if rng.random() < bc["title_dropout"] else full[i] for i in bidx]
                b = {k: torch.from_numpy(v).to(device) for k, v in pad_batch(seqs, tok.pad_token_id).items()}
                logits = model(**b).logits
                loss = loss_fn(logits, y[bidx])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad(set_to_none=True)
                bar.update(task, advance=1, info=f"epoch {epoch} loss {float(loss.detach()):.3f}")
            if dev_seqs is None:
                continue
            scores = _scores(model, dev_seqs, tok.pad_token_id)
            th = tune_thresholds(scores, dev["primary"], themes, other, rounds=1)
            f1 = _macro_f1(scores, dev["primary"], themes, other, th)
            history.append({"epoch": epoch, "dev_macro_f1": round(f1, 4)})
            bar.console.print(f"{label} epoch {epoch}: dev macro-F1 {f1:.3f}", highlight=False)
            if not select:
                continue
            if f1 > best:
                best, best_state, best_scores, bad = f1, copy.deepcopy(model.state_dict()), scores, 0
            else:
                bad += 1
                if bad >= bc["patience"]:
                    break
    if select and best_state is not None:
        model.load_state_dict(best_state)
        scores = best_scores
    return model.cpu(), tok, src, scores, history


def _device(name: str) -> torch.device:
    """`auto` fine-tunes on a GPU when torch sees one (same code, fp32 either way), else on CPU."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


@torch.no_grad()
def _scores(model, seqs, pad_id, batch_size: int = 64) -> np.ndarray:
    model.eval()
    dev = next(model.parameters()).device
    out = sorted_batch_scores(seqs, pad_id, model.config.num_labels,
                              lambda b: model(**{k: torch.from_numpy(v).to(dev) for k, v in b.items()}).logits.float().cpu().numpy(),
                              batch_size)
    model.train()
    return out
