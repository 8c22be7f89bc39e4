"""Round trips with annotation tools: suggestions out as Label Studio tasks or doccano JSONL,
their exports back in as labelled records that `xinwen train` accepts.

Formats, as the tools document them:
- Label Studio task JSON (import): `[{"data": {"id", "title", "text"}, "predictions": [{"model_version",
  "score", "result": [{"from_name": "theme", "to_name": "text", "type": "choices",
  "value": {"choices": [...]}}]}]}]`, with the labelling config `labelstudio_config()` (one
  `Choices` control named `theme`, multiple choice, over the seven classes).
- Label Studio JSON export: the same tasks with `annotations` (each a `result` list, `was_cancelled`,
  `completed_by`); JSON-MIN export: one flat object per annotation, the task's data fields beside
  `theme` (a string for one choice, `{"choices": [...]}` for several), `annotator`, `annotation_id`.
- doccano text classification JSONL: `{"text", "label": [...]}` per line, other keys kept as
  metadata (our `xinwen_id`, `title`); an export repeats a document once per annotator when
  annotators label separately.

Reading an export: several choices = multi-label (the first choice listed is the primary theme:
Label Studio lists choices in the config's order, so put the main one first when it matters, or
use the optional `primary` control); `other` alone = `other`; the theme names or their Chinese
display names are both accepted. Annotators who disagree on a task are listed as conflicts and the
task is left out: guessing one of them would put a label on the article nobody agreed on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from xml.sax.saxutils import quoteattr

from xinwen.inference.encoding import InputError

from xinwen.settings import Labels, load_labels

CONTROL = "theme"          # the Choices control's name in our labelling config
PRIMARY_CONTROL = "primary"  # optional single-choice control naming the main theme


class ExchangeFormat(str, Enum):
    JSONL = "jsonl"
    LABELSTUDIO = "labelstudio"
    DOCCANO = "doccano"


@dataclass(frozen=True)
class Annotation:
    """One annotator's answer for one task: the classes chosen (in order) and an explicit primary."""

    task: str
    annotator: str
    choices: tuple[str, ...]
    primary: str | None = None


@dataclass(frozen=True)
class TaskProblem:
    """A task that could not become a labelled record, and why (printed as `file: task T: reason`)."""

    path: str
    task: str
    reason: str
    line: int | None = None  # where the task could not even be read

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}" if self.line else f"{self.path}: task {self.task}: {self.reason}"


@dataclass
class ImportResult:
    records: list[dict]
    problems: list[TaskProblem]
    conflicts: list[TaskProblem]
    tasks: int = 0

    def summary(self) -> dict:
        return {"tasks": self.tasks, "records": len(self.records), "problems": len(self.problems),
                "conflicts": len(self.conflicts)}


def labelstudio_config(labels: Labels | None = None) -> str:
    """The labelling config for the seven classes: the headline over the body, one multiple-choice
    control whose values are the theme ids (hints show the Chinese names and the guide's definitions)."""
    labels = labels or load_labels()
    choices = "\n".join(
        f'    <Choice value={quoteattr(c)} alias={quoteattr(c)} hint={quoteattr(labels.zh[c] + " — " + labels.definitions[c])}/>'
        for c in labels.primary_classes)
    return ("<View>\n"
            '  <Header value="$title"/>\n'
            '  <Text name="text" value="$text"/>\n'
            f'  <Choices name="{CONTROL}" toName="text" choice="multiple" showInLine="true" required="true">\n'
            f"{choices}\n"
            "  </Choices>\n"
            "</View>\n")


def _confidence(s) -> float:
    """Label Studio's prediction score is the model's confidence in its call (sort by it to label
    the least sure first): the primary theme's score, or for `other` one minus the best theme's."""
    if s.theme in s.scores:
        return round(s.scores[s.theme], 4)
    return round(1.0 - max(s.scores.values(), default=0.0), 4)


def suggestion_rows(suggestions, fmt: ExchangeFormat, model_version: str) -> list[dict] | dict:
    """Suggestions in a tool's import format, the model's call as the pre-annotation."""
    if fmt is ExchangeFormat.LABELSTUDIO:
        return [{"data": {"id": s.id, "title": s.title, "text": s.text},
                 "predictions": [{"model_version": model_version, "score": _confidence(s),
                                  "result": [{"from_name": CONTROL, "to_name": "text", "type": "choices",
                                              "value": {"choices": s.themes or [s.theme]}}]}]}
                for s in suggestions]
    if fmt is ExchangeFormat.DOCCANO:
        return [{"text": s.text, "label": s.themes or [s.theme], "xinwen_id": s.id, "title": s.title,
                 "scores": s.scores} for s in suggestions]
    return [{"id": s.id, "title": s.title, "text": s.text, "primary": None, "labels": [],
             "suggested": {"theme": s.theme, "themes": s.themes, "scores": s.scores, "margin": s.margin,
                           "cluster": s.cluster, "model": model_version}} for s in suggestions]


# ---- reading ------------------------------------------------------------------------------------

def _rows(path: str | Path) -> list[tuple[int, dict | None, str | None]]:
    """(line, object, problem) per record of a JSON document (Label Studio exports) or of JSONL
    (doccano), by the reader every records file goes through (`sources.json_records`): a broken
    line is that task's problem, a broken document one problem naming its line."""
    from xinwen.inference.encoding import decode_bytes
    from xinwen.inference.sources import json_records

    return list(json_records(decode_bytes(Path(path).read_bytes(), str(path))))


def read_texts(path: str | Path, with_items: bool = False) -> Iterator:
    """Article texts of any file xinwen reads or writes for labelling: corpus JSONL(.gz)/CSV,
    labelled records, suggestions, Label Studio tasks/exports, doccano JSONL. With `with_items`,
    `{"id", "title", "text"}` dicts."""
    from xinwen.training.corpus import iter_items

    p = Path(path)
    name = p.name.lower()
    if name.endswith((".gz", ".csv")):
        rows = iter_items([p])
    else:
        rows = (r for r in _rows_of([rec for _, rec, _ in _rows(p) if rec is not None], p) if r)
    for r in rows:
        if with_items:
            yield r
        else:
            yield r["text"]


def _rows_of(doc, path: Path) -> Iterator[dict | None]:
    for i, row in enumerate(doc, 1):
        if not isinstance(row, dict):
            yield None
            continue
        data = row.get("data") if isinstance(row.get("data"), dict) else row
        text = data.get("text")
        if isinstance(text, str) and text.strip():
            rid = data.get("xinwen_id") or data.get("id") or row.get("id") or f"{path.name}:{i}"
            yield {"id": str(rid), "title": str(data.get("title") or ""), "text": text}
        else:
            yield None


def _names(labels: Labels) -> dict[str, str]:
    """A choice as written → class id: ids and Chinese display names both work."""
    return {c: c for c in labels.primary_classes} | {labels.zh[c]: c for c in labels.primary_classes}


def _choices_of(value) -> list[str] | None:
    """JSON-MIN keeps one choice as a string and several as {"choices": [...]}."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("choices"), list):
        return [str(c) for c in value["choices"]]
    if isinstance(value, list) and all(isinstance(c, str) for c in value):
        return list(value)
    return None


def _labelstudio_annotations(task: dict, tid: str) -> tuple[list[Annotation], str | None]:
    out = []
    for k, ann in enumerate(task.get("annotations") or [], 1):
        if not isinstance(ann, dict) or ann.get("was_cancelled"):
            continue
        choices: list[str] = []
        primary = None
        for res in ann.get("result") or []:
            if not isinstance(res, dict) or res.get("type") != "choices":
                continue
            got = _choices_of(res.get("value"))
            if got is None:
                return [], "a choices result without a list of choices"
            if res.get("from_name") == PRIMARY_CONTROL:
                primary = got[0] if got else None
            else:
                choices.extend(got)
        out.append(Annotation(tid, str(ann.get("completed_by", k)), tuple(dict.fromkeys(choices)), primary))
    return out, None


def _annotations(rows: list[tuple[int, dict | None, str | None]]
                 ) -> Iterator[tuple[str, dict, list[Annotation] | None, str | None]]:
    """(task id, its data, its annotations, problem) per task, for any of the three exports
    (what could not be read comes as task `line N`)."""
    by_task: dict[str, tuple[dict, list[Annotation]]] = {}
    for i, (n, row, problem) in enumerate(rows, 1):
        if row is None:
            yield f"line {n}", {}, None, problem
            continue
        if isinstance(row.get("data"), dict):  # Label Studio JSON
            tid = str(row.get("id", i))
            anns, problem = _labelstudio_annotations(row, tid)
            yield tid, row["data"], anns, problem
            continue
        data = {k: v for k, v in row.items() if k not in (CONTROL, PRIMARY_CONTROL, "label", "labels")}
        tid = str(row.get("xinwen_id") or row.get("id") or i)
        if CONTROL in row:  # JSON-MIN: one row per annotation
            got = _choices_of(row[CONTROL])
            who = str(row.get("annotator", row.get("annotation_id", i)))
            primary = _choices_of(row.get(PRIMARY_CONTROL)) if row.get(PRIMARY_CONTROL) else None
        elif "label" in row or "labels" in row:  # doccano
            got = _choices_of(row.get("label", row.get("labels")))
            who = str(row.get("user", row.get("annotator", i)))
            primary = None
        else:
            got, who, primary = [], str(i), None
        if got is None:
            yield tid, data, None, "the choices are not a list of class names"
            continue
        task_data, anns = by_task.setdefault(tid, (data, []))
        anns.append(Annotation(tid, who, tuple(dict.fromkeys(got)), primary[0] if primary else None))
    for tid, (data, anns) in by_task.items():
        yield tid, data, anns, None


def import_labels(paths: list[str | Path], labels: Labels | None = None, empty_as_other: bool = False
                  ) -> ImportResult:
    """Labelled records `{id, title, text, primary, labels}` from annotation-tool exports.

    Every task that cannot be used is reported with its reason (no text, no choices, an unknown
    label, broken JSON for the file); tasks on which annotators disagree are conflicts."""
    labels = labels or load_labels()
    names = _names(labels)
    res = ImportResult([], [], [])
    seen_ids: set[str] = set()
    for path in map(str, paths):
        try:
            rows = _rows(path)
        except InputError as e:  # not text at all: one problem for the file
            res.problems.append(TaskProblem(path, "-", e.reason))
            continue
        except OSError as e:
            res.problems.append(TaskProblem(path, "-", str(e.strerror or e)))
            continue
        for tid, data, anns, problem in _annotations(rows):
            res.tasks += 1
            if problem:
                line = int(tid.split()[1]) if tid.startswith("line ") else None
                res.problems.append(TaskProblem(path, tid, problem, line))
                continue
            text = data.get("text")
            if not isinstance(text, str) or not text.strip():
                res.problems.append(TaskProblem(path, tid, "no text in the task's data"))
                continue
            answers = []
            bad = None
            for a in anns or []:
                if not a.choices and not empty_as_other:
                    continue
                unknown = [c for c in (*a.choices, *([a.primary] if a.primary else [])) if c not in names]
                if unknown:
                    bad = f"unknown label {unknown[0]!r} (annotator {a.annotator}); allowed: " \
                          f"{', '.join(labels.primary_classes)}"
                    break
                chosen = [names[c] for c in a.choices]
                themes = [c for c in chosen if c != labels.other]
                primary = names[a.primary] if a.primary else (themes[0] if themes else labels.other)
                if primary != labels.other and primary not in themes:
                    themes.insert(0, primary)
                if labels.other in chosen and themes:
                    bad = f"annotator {a.annotator} chose `other` together with {', '.join(themes)}"
                    break
                answers.append((a.annotator, primary, tuple(sorted(themes))))
            if bad:
                res.problems.append(TaskProblem(path, tid, bad))
                continue
            if not answers:
                res.problems.append(TaskProblem(path, tid, "no choices (not labelled, or skipped)"))
                continue
            if len({(p, t) for _, p, t in answers}) > 1:
                said = "; ".join(f"annotator {who}: {' + '.join([p, *(x for x in t if x != p)])}" for who, p, t in answers)
                res.conflicts.append(TaskProblem(path, tid, f"annotators disagree ({said})"))
                continue
            _, primary, themes = answers[0]
            rid = str(data.get("xinwen_id") or data.get("id") or tid)
            if rid in seen_ids:
                res.problems.append(TaskProblem(path, tid, f"id {rid!r} already imported from an earlier task"))
                continue
            seen_ids.add(rid)
            ordered = [t for t in [primary, *themes] if t != labels.other]
            res.records.append({"id": rid, "title": str(data.get("title") or ""), "text": text.strip(),
                                "primary": primary, "labels": list(dict.fromkeys(ordered))})
    return res


def write_labels(exports: list[str | Path], out: str | Path, empty_as_other: bool = False) -> ImportResult:
    """`import_labels`, its records written atomically to `out` (JSONL) when there are any."""
    from xinwen.inference.writers import write_jsonl_atomic

    res = import_labels(exports, empty_as_other=empty_as_other)
    if res.records:
        write_jsonl_atomic(out, res.records)
    return res
