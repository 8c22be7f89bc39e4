"""The one Typer app. Each command is a thin wrapper over a library function in xinwen.*."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import typer

from xinwen import __version__
from xinwen.inference.segmentation.layout import Segmenter
from xinwen.settings import BUNDLED, bundled_model

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="xinwen: Chinese newspaper pages in; segmented, theme-tagged, digested articles out.")
# one option for every command that reads pages
SEGMENTER = typer.Option("auto", "--segmenter", case_sensitive=False,
                         help="Page reader: auto (default: PDF pages and scans read both ways, the reading judge "
                              "keeps one; text dumps by the rules), rules (the cascade) or learned (the layout "
                              "reader trained on simulated pages).")
# one option for every command that classifies
class Backend(str, Enum):
    AUTO = "auto"
    TORCH = "torch"
    ONNX = "onnx"


class Architecture(str, Enum):
    BERT = "bert"
    TFIDF = "tfidf"


class Quantize(str, Enum):
    INT8 = "int8"


class DigestMethod(str, Enum):
    LEARNED = "learned"
    LEAD = "lead"
    TEXTRANK = "textrank"


def _out_suffix(value: Path | None) -> Path | None:
    """`-o` must name a format xinwen writes: checked before any work."""
    if value is not None and value.suffix.lower() not in (".jsonl", ".csv"):
        raise typer.BadParameter(f"{value}: write .jsonl or .csv (got {value.suffix or 'no extension'})")
    return value


def _html_suffix(value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter(f"{value}: the briefing is HTML; name a .html file")
    return value


BACKEND = typer.Option(Backend.AUTO, "--backend", case_sensitive=False,
                       help="auto (ONNX when exported and onnxruntime is installed, else torch), torch or onnx.")
METHOD = typer.Option(DigestMethod.LEARNED, "--method", case_sensitive=False, help="Digest method.")
QUIET = typer.Option(False, "--quiet", help="No progress bars.")


def _config_option(name: str):
    return typer.Option(None, "--config", help=f"YAML config (default: configs/{name}.yaml).", exists=True, dir_okay=False)


CORPUS = typer.Option(..., "--corpus", help="Corpus JSONL(.gz) with title and text per item.", exists=True,
                      dir_okay=False)
MAX_CHARS = typer.Option(30, "--max-chars", min=4, max=200, help="Longest digest, in characters.")


def _one_line_usage_error(self, file=None) -> None:
    """Click prints a usage error in four lines; a newsroom's logs get one, like every other error."""
    import sys

    cmd = self.ctx.command_path if getattr(self, "ctx", None) else "xinwen"
    print(f"error {self.format_message()} (see `{cmd} --help`)", file=sys.stderr)


def _install_usage_errors() -> None:
    """Typer 0.29 carries its own copy of click (`typer._click`); older ones use click itself."""
    import importlib

    for name in ("typer._click.exceptions", "click.exceptions"):
        try:
            importlib.import_module(name).UsageError.show = _one_line_usage_error
        except ImportError:
            continue


_install_usage_errors()

_TYPE_WORDS = {"str": "TEXT", "path": "PATH", "Path": "PATH", "int": "INTEGER", "float": "NUMBER",
               "int range": "INTEGER", "float range": "NUMBER"}


def _plain_type(label: str) -> str:
    """Typer 0.29 writes option types as Python (`<list[Path]>`, `<str>`); help for newsroom users
    reads as click always wrote it: `PATH`, `TEXT`, `[a|b|c]` (a repeatable option says so in its help)."""
    inner = label.strip("<>")
    while inner.startswith("list[") and inner.endswith("]"):
        inner = inner[5:-1]
    if "|" in inner:
        return f"[{inner}]"
    return _TYPE_WORDS.get(inner, inner.upper())


def _install_plain_help() -> None:
    """Usage lines `xinwen run [OPTIONS] INPUT...` rather than `{inputs}...`, and plain type names."""
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # another typer: its own help stays
        return
    if not hasattr(TyperArgument, "_usage_display_name"):
        return

    def arg_name(self) -> str:
        if self.metavar:
            return self.metavar
        return self.name.upper().rstrip("S") if self.nargs != 1 else self.name.upper()  # INPUT..., not INPUTS...

    def usage_name(self) -> str:
        name = arg_name(self) + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"

    def option_type(self, ctx) -> str | None:
        if self.metavar is not None:
            return self.metavar
        return None if self.is_flag else _plain_type(self.display_type(ctx))

    TyperArgument._usage_display_name = usage_name
    TyperArgument._rich_display_name = lambda self: arg_name(self) + ("..." if self.nargs != 1 else "")
    TyperArgument.display_type_rich = lambda self, ctx: None
    TyperOption.display_type_rich = option_type


_install_plain_help()


def _report_error(msg: object) -> None:
    from rich.markup import escape

    from xinwen.ui import stderr

    stderr.print(f"[red]error[/red] {escape(str(msg))}", highlight=False, soft_wrap=True)  # `[...]` in a message is text


def _one_line_errors(fn: Callable) -> Callable:
    """A missing or wrong model folder, bad training data, a bad option value: one `error` line and
    exit 2 instead of a traceback, since those are the user's to fix. `XINWEN_DEBUG=1` shows the
    traceback instead (a ValueError can also be a bug)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (FileNotFoundError, NotADirectoryError, ValueError) as e:
            if os.environ.get("XINWEN_DEBUG"):
                raise
            _report_error(str(e))
            raise typer.Exit(2) from None
        except (PermissionError, IsADirectoryError, FileExistsError) as e:  # an output that cannot be written
            if os.environ.get("XINWEN_DEBUG"):
                raise
            _report_error(f"{e.filename}: cannot write ({e.strerror})" if e.filename else str(e))
            raise typer.Exit(2) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xinwen {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """xinwen: Chinese newspaper pages in; segmented, theme-tagged, digested articles out."""


@app.command()
def info(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Show the version and the bundled models.

    Also says how `--backend auto` would run the theme model."""
    data = {"version": __version__, **{k: (str(bundled_model(k)) if bundled_model(k) else None) for k in BUNDLED}}
    if data["theme_model"]:
        from xinwen.models.theme import resolve_backend
        from xinwen.models.theme_config import ThemeModelConfig

        theme = Path(data["theme_model"])
        cfg = ThemeModelConfig.from_dir(theme)
        data["theme_backend"] = (f"onnx {cfg.onnx_file}" if resolve_backend(theme, cfg) == "onnx"
                                 else "torch" if cfg.architecture == "bert" else cfg.architecture)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for k, v in data.items():
        typer.echo(f"{k:14} {v}")


@app.command()
@_one_line_errors
def pretrain(
    corpus: list[Path] = typer.Option(
        ..., "--corpus", help="JSONL(.gz), CSV or text files, or one shard folder from `xinwen pretokenize`.", exists=True),
    out: Path = typer.Option(..., "-o", "--out", help="Output model folder."),
    config: Path | None = typer.Option(None, "--config", help="YAML config (default: configs/pretrain.yaml)."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the folder's last checkpoint."),
    max_minutes: float | None = typer.Option(None, "--max-minutes", help="Stop cleanly and save after this long."),
    max_steps: int | None = typer.Option(None, "--max-steps", help="Override training.max_steps."),
    init_from: Path | None = typer.Option(None, "--init-from", metavar="DIR", help="Start from this base's weights (same tokenizer).",
                                          exists=True),
) -> None:
    """Pretrain the base: a tokenizer and a small Chinese BERT.

    Whole-word masking over the corpus; the folder works as `train --base-model`."""
    from xinwen.training.pretrain import pretrain as run

    over = {"training": {"init_from": str(init_from)}} if init_from else None
    m = run(corpus, out, config, resume=resume, max_minutes=max_minutes, max_steps=max_steps, overrides=over)
    typer.echo(json.dumps({"step": m["step"], "heldout": m["heldout"], "baselines": m["baselines"]}))


@app.command()
@_one_line_errors
def pretokenize(
    corpus: list[Path] = typer.Option(..., "--corpus", help="JSONL(.gz), CSV or text files.", exists=True),
    tokenizer: Path = typer.Option(..., "--tokenizer", help="Folder with tokenizer files (e.g. a base model).", exists=True),
    out: Path = typer.Option(..., "-o", "--out", help="Output shard folder."),
    config: Path | None = typer.Option(None, "--config", help="YAML config (seq_len, held-out split)."),
    fraction: float = typer.Option(1.0, "--fraction", help="Share of training items to keep (by id hash)."),
    workers: int = typer.Option(2, "--workers", help="Processes running jieba."),
) -> None:
    """Tokenise a corpus once into a pretraining shard.

    Tokens and jieba word boundaries, so a (GPU) pretraining run does not wait on them."""
    from xinwen.training.pretokenize import pretokenize as run

    meta = run(corpus, out, tokenizer, config, fraction=fraction, workers=workers)
    typer.echo(json.dumps({k: meta[k] for k in ("items", "windows", "tokens", "eval_windows")}))


@app.command()
@_one_line_errors
def segment(
    inputs: list[str] = typer.Argument(..., help="Page text files, PDFs, directories, globs, or - for stdin."),
    out: Path | None = typer.Option(None, "-o", "--out", help=".jsonl or .csv (default: JSONL on stdout).",
                                    callback=_out_suffix),
    segmenter: Segmenter = SEGMENTER,
) -> None:
    """Split newspaper pages into articles.

    Each article gets kicker, title, subtitle, byline, dateline, captions and a clean body."""
    from xinwen.inference.segmenter import segment_inputs
    from xinwen.inference.writers import RecordWriter

    errors: list[str] = []

    def on_error(e) -> None:
        errors.append(str(e))
        _report_error(str(e))

    with RecordWriter(out) as w:
        for rec in segment_inputs(inputs, on_error, segmenter):
            w.write(rec)
    if w.count == 0:
        raise typer.Exit(1)


@app.command("train-layout")
@_one_line_errors
def train_layout(
    corpus: Path = CORPUS,
    out: Path = typer.Option(..., "-o", "--out", help="Output layout model folder."),
    config: Path | None = _config_option("layout_train"),
    quiet: bool = QUIET,
) -> None:
    """Train the layout reader on simulated pages.

    Held-out layout families and seeds are scored and written into the model's card."""
    from xinwen.training.layout_train import LayoutTrainConfig, train_layout_model

    LayoutTrainConfig.from_yaml(config)  # checked before any work
    card = train_layout_model(corpus, out, config, quiet=quiet)
    typer.echo(json.dumps(card["heldout"], ensure_ascii=False))


@app.command("train-judge")
@_one_line_errors
def train_judge(
    corpus: Path = CORPUS,
    out: Path = typer.Option(..., "-o", "--out", help="Output reading judge folder."),
    config: Path | None = _config_option("judge_train"),
    layout_model: Path | None = typer.Option(None, "--layout-model", exists=True, file_okay=False,
                                             help="The learned reader to judge (default: the shipped one)."),
    quiet: bool = QUIET,
) -> None:
    """Train the reading judge that `--segmenter auto` asks.

    Both readers read simulated pages; the judge learns which paragraph junctions are right."""
    from xinwen.inference.segmentation.reader import CARD
    from xinwen.training.judge_train import JudgeTrainConfig
    from xinwen.training.judge_train import train_judge as fit

    JudgeTrainConfig.from_yaml(config)  # checked before any work
    if layout_model and not (layout_model / CARD).is_file():
        raise ValueError(f"--layout-model {layout_model}: not a layout model folder (no {CARD})")
    judge = fit(corpus, out, config, quiet=quiet, layout_model=layout_model)
    typer.echo(json.dumps(judge.card["held_out"], ensure_ascii=False))


@app.command("simulate-pages")
@_one_line_errors
def simulate_pages(
    corpus: Path = CORPUS,
    out: Path = typer.Option(..., "-o", "--out", help="Folder for PAGE.pdf, PAGE.pdftotext.txt, PAGE.truth.json."),
    n: int = typer.Option(10, "-n", min=1, max=100000, help="Pages per family."),
    family: list[str] = typer.Option(["metro"], "--family", help="Layout family (repeatable): metro, legal, theory, "
                                                                 "regional, business, feature."),
    seed: int = typer.Option(0, "--seed", min=0, help="First seed; pages use seed … seed+n-1."),
    held_out_text: bool = typer.Option(False, "--held-out-text", help="Set text no training page carries."),
) -> None:
    """Render corpus articles into simulated pages.

    Each page as PDF, text dumps and its truth, for training and scoring the layout reader."""
    from xinwen.training.pagesim import FAMILIES, write_pages

    if bad := [f for f in family if f not in FAMILIES]:
        raise ValueError(f"--family: unknown {', '.join(bad)}; choose from {', '.join(FAMILIES)}")
    typer.echo(json.dumps(write_pages(corpus, out, family, range(seed, seed + n), held_out_text)))


@app.command()
@_one_line_errors
def train(
    train_file: list[Path] = typer.Option(..., "--train", exists=True,
                                          help="Labelled JSONL/CSV; repeat to add files (e.g. self-training labels)."),
    dev_file: Path | None = typer.Option(
        None, "--dev", exists=True, dir_okay=False,
        help="Labelled JSONL/CSV for early stopping and thresholds; required unless --folds "
             "(then only scored, as an untouched held-out set)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output model folder."),
    folds: int = typer.Option(0, "--folds", help="Tune blend and thresholds on k-fold out-of-fold scores, "
                              "then refit on all --train data (dev optional, only reported)."),
    config: Path | None = typer.Option(None, "--config", help="YAML config (default: configs/train.yaml)."),
    base_model: str | None = typer.Option(None, "--base-model", metavar="DIR", help="Any local BERT-style folder."),
    init_from: str | None = typer.Option(None, "--init-from", metavar="DIR", help="Continue from an existing theme model."),
    architecture: Architecture | None = typer.Option(None, "--architecture", case_sensitive=False,
                                                     help="Override: bert or tfidf."),
    random_init: bool = typer.Option(False, "--random-init", help="Same architecture as the base, untrained weights."),
    seed: int | None = typer.Option(None, "--seed", help="Override the config's seed."),
) -> None:
    """Train a theme model on labelled articles.

    Held-out metrics, seeds, config and data hashes are saved with the model."""
    from xinwen.training.theme_train import train_theme

    if base_model and init_from:
        raise ValueError("--base-model and --init-from: give one (a base to fine-tune, or a theme model to continue)")
    for flag, value, marker in (("--base-model", base_model, "config.json"), ("--init-from", init_from, "xinwen.json")):
        if value and not (Path(value) / marker).is_file():
            raise ValueError(f"{flag} {value}: not a local model folder (no {marker}); nothing is downloaded, "
                             "so give a folder on disk")
    if folds < 0 or folds == 1:
        raise ValueError(f"--folds {folds}: give 0 (use --dev) or 2 and more")
    if not folds and dev_file is None:
        raise ValueError("--dev FILE is needed to pick the epoch, blend and thresholds (or tune them by --folds K)")
    architecture = architecture.value if architecture else None

    m = train_theme([str(f) for f in train_file], str(dev_file) if dev_file else None, str(out),
                    str(config) if config else None, base_model, init_from, random_init,
                    overrides={k: v for k, v in (("architecture", architecture), ("seed", seed)) if v is not None},
                    folds=folds)
    typer.echo(json.dumps({k: m[k] for k in ("accuracy", "macro_f1", "micro_f1_multilabel", "ece")}))


@app.command("pseudo-label")
@_one_line_errors
def pseudo_label(
    corpus: list[Path] = typer.Option(..., "--corpus", exists=True, help="Unlabelled JSONL(.gz)/CSV news."),
    out: Path = typer.Option(..., "-o", "--out", help="Labelled JSONL to write (use with a second --train)."),
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Teacher theme model (default: bundled)."),
    exclude: list[Path] = typer.Option([], "--exclude", exists=True, help="Labelled files whose articles to skip."),
    items: int = typer.Option(20000, "--items", help="Corpus items to score."),
    min_conf: float = typer.Option(0.9, "--min-conf", help="Keep a theme call when its score is at least this."),
    per_class: int = typer.Option(400, "--per-class", help="At most this many per primary class."),
    backend: Backend = BACKEND,
) -> None:
    """Label unlabelled news with a teacher model.

    Self-training: only confident calls are kept, as a second `--train` file."""
    from xinwen.training.self_training import pseudo_label as run

    typer.echo(json.dumps(run(corpus, out, model, exclude, items, min_conf, per_class=per_class, backend=backend.value)))


class SuggestFormat(str, Enum):
    JSONL = "jsonl"
    LABELSTUDIO = "labelstudio"
    DOCCANO = "doccano"


@app.command()
@_one_line_errors
def suggest(
    corpus: list[Path] = typer.Option(..., "--corpus", exists=True, dir_okay=False,
                                      help="Unlabelled articles: corpus JSONL(.gz)/CSV; repeat to add files."),
    n: int = typer.Option(..., "-n", min=1, max=100000, help="How many articles to suggest."),
    out: Path = typer.Option(..., "-o", "--out", help="Tasks to write (.jsonl, or .json for labelstudio)."),
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Theme model folder (default: bundled)."),
    exclude: list[Path] = typer.Option([], "--exclude", exists=True, dir_okay=False,
                                       help="Files whose articles never to suggest (labelled sets, earlier rounds)."),
    fmt: SuggestFormat = typer.Option(SuggestFormat.JSONL, "--format", case_sensitive=False,
                                      help="jsonl (xinwen records), labelstudio (task JSON) or doccano (JSONL)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Score only the first N usable corpus articles."),
    backend: Backend = BACKEND,
    seed: int = typer.Option(0, "--seed", help="Seed of the clustering."),
) -> None:
    """Pick the articles worth labelling next.

    Uncertain for the theme model, unlike each other, never seen by it; written for Label
    Studio, doccano or as xinwen records, with the model's call as a pre-annotation."""
    from xinwen.training.suggest import write_suggestions

    want = ".json" if fmt is SuggestFormat.LABELSTUDIO else ".jsonl"
    if out.suffix.lower() != want:
        raise typer.BadParameter(f"{out}: --format {fmt.value} writes {want}", param_hint="-o")
    typer.echo(json.dumps(write_suggestions(corpus, n, out, fmt.value, model, exclude, backend.value, limit, seed),
                          ensure_ascii=False))


@app.command("import-labels")
@_one_line_errors
def import_labels(
    exports: list[Path] = typer.Argument(..., exists=True, dir_okay=False,
                                         help="Label Studio JSON / JSON-MIN exports or doccano JSONL."),
    out: Path = typer.Option(..., "-o", "--out", help="Labelled JSONL for `xinwen train --train`."),
    empty_as_other: bool = typer.Option(False, "--empty-as-other",
                                        help="A submitted annotation with no choice means `other`."),
) -> None:
    """Read Label Studio or doccano exports as labels.

    Writes records `xinwen train` accepts; bad tasks and annotator conflicts are listed."""
    from xinwen.training.label_exchange import write_labels

    if out.suffix.lower() != ".jsonl":
        raise typer.BadParameter(f"{out}: write .jsonl", param_hint="-o")
    res = write_labels(exports, out, empty_as_other)
    for p in res.problems:
        _report_error(str(p))
    for c in res.conflicts:
        _report_error(f"conflict {c}")
    typer.echo(json.dumps(res.summary()))
    if not res.records:
        raise typer.Exit(1)


@app.command()
@_one_line_errors
def evaluate(
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Theme model folder (default: bundled)."),
    data: Path = typer.Option(..., "--data", exists=True, help="Labelled JSONL/CSV."),
    report: Path | None = typer.Option(None, "--report", file_okay=False,
                                         help="Folder to write metrics.json, report.md and PNGs into."),
    compare: str | None = typer.Option(None, "--compare", metavar="DIR", help="A second model folder, side by side."),
    backend: Backend = BACKEND,
) -> None:
    """Score theme models on labelled data.

    Accuracy, macro-F1, a per-class report and the confusion matrix; `--compare` side by side."""
    from xinwen.training.evaluate import confusion_text, evaluate_model
    from xinwen.training.seen import seen_warning
    from xinwen.ui import warn

    res = evaluate_model(model, str(data), str(report) if report else None, compare, backend.value)
    for name, r in res.items():
        if warning := seen_warning(r["seen"], str(data)):
            warn(f"{name}: {warning}")
        typer.echo(f"== {name}: {r['model_dir']}\naccuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  "
                   f"micro-F1 {r['micro_f1_multilabel']:.3f}  ECE {r['ece']:.3f}\n{r['report_text']}\n"
                   f"{confusion_text(r['confusion'])}")


@app.command()
@_one_line_errors
def classify(
    inputs: list[str] = typer.Argument(..., help="Article JSONL/CSV, or pages (text/PDF), dirs, globs, -."),
    out: Path | None = typer.Option(None, "-o", "--out", help=".jsonl or .csv (default: stdout).", callback=_out_suffix),
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Theme model folder (default: bundled)."),
    backend: Backend = BACKEND,
    segmenter: Segmenter = SEGMENTER,
) -> None:
    """Tag each article with its themes.

    The primary theme, every theme over its threshold, and per-theme scores."""
    from xinwen.inference.pipeline import Pipeline

    n = Pipeline(theme_model=model, backend=backend.value, digest=False, segmenter=segmenter).process(
        inputs, out, on_error=_report_error)
    if n == 0:
        raise typer.Exit(1)


@app.command()
@_one_line_errors
def summarize(
    inputs: list[str] = typer.Argument(..., help="Article JSONL/CSV, or pages (text/PDF), dirs, globs, -."),
    out: Path | None = typer.Option(None, "-o", "--out", help=".jsonl or .csv (default: stdout).", callback=_out_suffix),
    max_chars: int = MAX_CHARS,
    method: DigestMethod = METHOD,
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Digest model folder (default: bundled)."),
    segmenter: Segmenter = SEGMENTER,
) -> None:
    """Add a headline-length digest to each article.

    An extractive span of the body, at most `--max-chars` characters."""
    from xinwen.inference.pipeline import Pipeline

    p = Pipeline(classify=False, digest_method=method.value, digest_model=model, max_chars=max_chars, segmenter=segmenter)
    if p.process(inputs, out, on_error=_report_error) == 0:
        raise typer.Exit(1)


@app.command("train-digest")
@_one_line_errors
def train_digest(
    corpus: list[Path] = typer.Option(..., "--corpus", exists=True, help="JSONL(.gz)/CSV with title and text."),
    out: Path = typer.Option(..., "-o", "--out", help="Output digest model folder."),
    config: Path | None = typer.Option(None, "--config", help="YAML config (default: configs/digest.yaml)."),
    limit: int | None = typer.Option(None, "--limit", help="Train on the first N items only (headline style and ranker alike)."),
) -> None:
    """Train the digest span ranker.

    Learns from (body, real headline) pairs of the corpus."""
    from xinwen.training.digest_train import train_digest as run

    typer.echo(json.dumps(run([str(c) for c in corpus], str(out), str(config) if config else None, limit=limit)))


@app.command("evaluate-digest")
@_one_line_errors
def evaluate_digest(
    data: Path = typer.Option(..., "--data", exists=True, help="JSONL/CSV records with title and text."),
    report: Path | None = typer.Option(None, "--report", file_okay=False,
                                         help="Folder to write metrics.json and report.md into."),
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Digest model folder (default: bundled)."),
    max_chars: int = MAX_CHARS,
    limit: int | None = typer.Option(None, "--limit", help="Score only the first N records."),
) -> None:
    """Score digests against real headlines.

    Character ROUGE-1/2/L beside Lead-1, TextRank and the oracle span."""
    from xinwen.training.digest_train import evaluate_digest_file

    res = evaluate_digest_file(str(data), str(report) if report else None, model, max_chars, limit)
    typer.echo(f"{'method':10} ROUGE-1 ROUGE-2 ROUGE-L   (n={res['n']})")
    for m, r in res.items():
        if m != "n":
            typer.echo(f"{m:10} {r['rouge1']:.3f}   {r['rouge2']:.3f}   {r['rougeL']:.3f}")


class Engine(str, Enum):
    LOCAL = "local"
    RAY = "ray"


@app.command()
@_one_line_errors
def run(
    inputs: list[str] = typer.Argument(..., help="Pages (text/PDF/images), article JSONL/CSV, dirs, globs."),
    out: Path = typer.Option(..., "-o", "--out", help=".jsonl or .csv; errors go to <stem>.errors.jsonl.",
                             callback=_out_suffix),
    briefing: Path | None = typer.Option(None, "--briefing", help="Write an HTML briefing to this .html file.",
                                         dir_okay=False, callback=_html_suffix),
    resume: bool = typer.Option(False, "--resume", help="Skip inputs already done; redo nothing."),
    model: str | None = typer.Option(None, "--model", metavar="DIR", help="Theme model folder (default: bundled)."),
    backend: Backend = BACKEND,
    method: DigestMethod = METHOD,
    segmenter: Segmenter = SEGMENTER,
    engine: Engine = typer.Option(Engine.LOCAL, "--engine", case_sensitive=False,
                                  help="local (this process) or ray (a Ray cluster; needs xinwen[ray])."),
    address: str | None = typer.Option(None, "--address", metavar="auto|HOST:PORT",
                                       help="Ray: the cluster to join (default: start a local Ray)."),
    workers: int = typer.Option(2, "--workers", min=1, max=4096, help="Ray: actors, each holding the models."),
) -> None:
    """The daily job: segment, classify and digest.

    Resumable; errors go to OUT's errors file; exit 0 when anything succeeded."""
    from xinwen.inference.batch import locked, run_batch
    from xinwen.ui import stderr

    if engine is Engine.LOCAL and (address or workers != 2):
        raise ValueError("--address and --workers are for --engine ray")
    if address and address != "auto" and not re.fullmatch(r"(ray://)?[\w.-]+:\d{1,5}", address):
        raise ValueError(f"--address {address}: give auto or HOST:PORT")
    if engine is Engine.RAY:
        from xinwen.inference.ray_engine import check_ray

        check_ray()
    with locked(out):  # before the models load: a second run on OUT is told at once
        if engine is Engine.RAY:
            from xinwen.inference.ray_engine import RayEngine

            kwargs = {"theme_model": model, "backend": backend.value, "digest_method": method.value,
                      "segmenter": segmenter.value}
            s = run_batch(inputs, out, None, resume, briefing, lock=False,
                          engine=RayEngine(kwargs, address=address, workers=workers))
        else:
            from xinwen.inference.pipeline import Pipeline

            pipeline = Pipeline(theme_model=model, backend=backend.value, digest_method=method.value,
                                segmenter=segmenter)
            s = run_batch(inputs, out, pipeline, resume, briefing, lock=False)
    for e in s.error_list:
        _report_error(e["reason"])
    stderr.print(s.line(), highlight=False, soft_wrap=True)
    if s.articles == 0 and s.skipped == 0:
        raise typer.Exit(1)


@app.command()
@_one_line_errors
def export(
    model: str = typer.Option(..., "--model", metavar="DIR", help="BERT theme model folder."),
    quantize: Quantize | None = typer.Option(None, "--quantize", case_sensitive=False,
                                             help="int8: dynamic int8 weights (smaller, faster on CPU)."),
) -> None:
    """Export a theme model for ONNX Runtime.

    `--backend onnx` (and `auto`) then use it; `train` already does this for BERT models."""
    from xinwen.models.onnx_graph import export_onnx

    for p in export_onnx(model, quantize.value if quantize else None):
        typer.echo(str(p))


@app.command()
@_one_line_errors
def package(
    kind: str = typer.Argument(..., help="base_model | theme_model | digest_model"),
    src: Path = typer.Argument(..., exists=True, help="Trained model folder."),
    dest: Path | None = typer.Option(None, "--dest", help="Default: the bundled location in xinwen/assets."),
) -> None:
    """Ship a trained model as the bundled default.

    Base weights are stored as fp16."""
    from xinwen.packaging import folder_mb, package_model

    p = package_model(kind, src, dest)
    typer.echo(f"{kind}: {p} ({folder_mb(p):.1f} MB)")
