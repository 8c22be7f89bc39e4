"""`xinwen run --engine ray`: the same batch on a Ray cluster (or a local Ray with N workers).

The driver lists the inputs once and decides what is left to do (the ledger of a local or a Ray
run, alike); Ray Data streams the tasks to a pool of actors, each holding one `Pipeline` (theme
model and digest ranker loaded once per actor), which read their inputs where they run and
segment, classify and digest them; the driver receives each input's records and errors **in
input order** (`preserve_order`) and writes OUT, the errors file, the ledger and the briefing
through the very code the local engine uses (`batch._record_input`). Same inputs, same files,
byte for byte; a killed Ray run resumes under either engine.

An input is the unit of work here (the local engine also records chunks inside an input, which
matters for one huge records file; on a cluster the files are many and each is small). Paths
must be readable where the actors run: the same path on shared storage (NFS, a mounted bucket)
or, for a URI (`s3://…`, `gs://…`, `file://…`), through pyarrow's filesystems, copied to a
temporary file beside the actor for the readers and named by its URI in every record and error.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from xinwen.inference.batch import Groups, Task, input_groups
from xinwen.inference.records import ArticleRecord
from xinwen.inference.writers import record_fields

if TYPE_CHECKING:
    from xinwen.models.theme_config import ThemeModelConfig

EXTRA = "the Ray engine needs the `ray` extra: pip install 'xinwen[ray]'"


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None and importlib.util.find_spec("ray.data") is not None


def check_ray() -> None:
    """Before any work: one clear line when Ray is not installed."""
    if not ray_available():
        raise ValueError(f"--engine ray: {EXTRA}")


def _localised(path: str, workdir: Path) -> str:
    """A URI copied to a local file the readers can open (its name kept: it decides the format)."""
    if "://" not in path:
        return path
    from pyarrow import fs

    filesystem, inner = fs.FileSystem.from_uri(path)
    local = workdir / Path(inner).name
    with filesystem.open_input_stream(inner) as src, open(local, "wb") as dst:
        dst.write(src.read())
    return str(local)


def _renamed(obj, old: str, new: str):
    """Every mention of the temporary copy, in records and errors, back to the URI."""
    if old == new:
        return obj
    return json.loads(json.dumps(obj, ensure_ascii=False).replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1]))


class _Worker:
    """A Ray actor: one Pipeline for its lifetime; a batch of tasks in, their results out."""

    def __init__(self, pipeline_kwargs: dict, group_size: int):
        from xinwen.inference.pipeline import Pipeline

        self.pipeline = Pipeline(**pipeline_kwargs)
        self.group_size = group_size

    def __call__(self, batch: dict) -> dict:
        out: dict[str, list] = {"idx": [], "result": []}
        for idx, task_json in zip(batch["idx"], batch["task"]):
            t = json.loads(task_json)
            with tempfile.TemporaryDirectory(prefix="xinwen-") as tmp:
                try:
                    local = _localised(t["path"], Path(tmp))
                except Exception as e:  # an unreadable URI is that input's error, as a missing file is
                    groups = [([], [{"input": t["path"], "line": None,
                                     "reason": f"{t['path']}: could not be fetched ({type(e).__name__}: {e})"}], True)]
                else:
                    groups = [([record_fields(r) for r in recs], errs, done) for recs, errs, done in
                              input_groups(self.pipeline, local, t["stem"], t["before"], self.group_size)]
                    groups = _renamed(groups, local, t["path"])
                    for _, errs, _ in groups:  # the error's `input` is the input as the driver named it
                        for e in errs:
                            e["input"] = t["path"]
            out["idx"].append(int(idx))
            out["result"].append(json.dumps(groups, ensure_ascii=False))
        return out


class RayEngine:
    """`results(tasks)` like `LocalEngine`'s, computed by `workers` Ray actors."""

    def __init__(self, pipeline_kwargs: dict, address: str | None = None, workers: int = 2, group_size: int = 64,
                 cpus_per_worker: float = 1.0):
        check_ray()
        self.pipeline_kwargs, self.address, self.workers = pipeline_kwargs, address, workers
        self.group_size, self.cpus = group_size, cpus_per_worker

    def _init(self) -> None:
        import ray

        if ray.is_initialized():
            return
        import logging

        for name in ("ray", "ray.data"):  # stderr carries our lines, not Ray's notes to operators
            logging.getLogger(name).setLevel(logging.ERROR)
        # Ray's core worker prints a note on actor restarts at error level for every Ray Data actor
        # pool (ray-project/ray#53727); failures still reach us as exceptions. Set it to see them.
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
        kw: dict = {"address": self.address} if self.address else {"num_cpus": max(self.workers, 1)}
        ray.init(ignore_reinit_error=True, log_to_driver=False, include_dashboard=False,
                 logging_level=logging.ERROR, **kw)

    def taxonomy(self) -> ThemeModelConfig | None:
        """The actors' theme model's themes, read from its folder (the driver loads no model)."""
        from xinwen.models.theme_config import ThemeModelConfig

        from xinwen.settings import bundled_model

        folder = self.pipeline_kwargs.get("theme_model") or bundled_model("theme_model")
        return ThemeModelConfig.from_dir(folder) if folder else None

    def results(self, tasks: list[Task]) -> Iterator[tuple[Task, Groups]]:
        if not tasks:
            return
        import ray

        self._init()
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # the driver writes in input order
        ctx.enable_progress_bars = False  # our bar counts inputs
        import logging

        logging.getLogger("ray.data").setLevel(logging.ERROR)  # not even `progress bars disabled`
        rows = [{"idx": i, "task": json.dumps({"path": t.path, "stem": t.stem, "before": t.before}, ensure_ascii=False)}
                for i, t in enumerate(tasks)]
        kwargs, size = dict(self.pipeline_kwargs), self.group_size

        class Worker(_Worker):  # settings bound in the class, not passed as actor arguments through the object store
            def __init__(self):
                super().__init__(kwargs, size)

        ds = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            Worker, batch_size=1, compute=ray.data.ActorPoolStrategy(size=self.workers), num_cpus=self.cpus,
            batch_format="default")
        for row in ds.iter_rows():
            t = tasks[int(row["idx"])]
            yield t, iter([([ArticleRecord.from_fields(r) for r in recs], errs, done)
                           for recs, errs, done in json.loads(row["result"])])
