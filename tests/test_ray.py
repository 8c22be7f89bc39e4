"""`run --engine ray` on a local Ray (2 CPUs, one cluster for the session): the same OUT, errors
and ledger as the local engine, byte for byte; a killed Ray run resumes under either engine."""

import json

import pytest
from typer.testing import CliRunner
from xinwen.inference.batch import run_batch
from xinwen.inference.pipeline import Pipeline
from xinwen.inference.ray_engine import RayEngine, ray_available

from tests.conftest import ROOT, mixed_folder
from xinwen.cli import app

pytestmark = pytest.mark.skipif(not ray_available(), reason="the ray extra is not installed")
PAGE = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"


class _Crash(Exception):
    pass


@pytest.fixture(scope="session")
def ray_cluster():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def model(tfidf_theme_model):
    return str(tfidf_theme_model)


@pytest.fixture()
def folder(tmp_path):
    return mixed_folder(tmp_path, 3)


def _files(out):
    stem = out.with_suffix("")
    return [out.read_bytes(), stem.with_name(stem.name + ".errors.jsonl").read_bytes()]


def _kwargs(model):
    return {"theme_model": model, "digest_method": "lead"}


def test_the_ray_engine_writes_what_the_local_engine_writes(ray_cluster, model, folder, tmp_path):
    local = run_batch([str(folder)], tmp_path / "local.jsonl", Pipeline(**_kwargs(model)), quiet=True,
                      report=tmp_path / "local.html")
    ray = run_batch([str(folder)], tmp_path / "ray.jsonl", None, quiet=True, report=tmp_path / "ray.html",
                    engine=RayEngine(_kwargs(model), workers=2))
    assert _files(tmp_path / "local.jsonl") == _files(tmp_path / "ray.jsonl")
    assert (local.inputs, local.articles, local.errors) == (ray.inputs, ray.articles, ray.errors) == (6, 22, 3)
    ledger = [json.loads(x) for x in (tmp_path / "ray.progress.jsonl").read_text().splitlines()]
    assert all(e["done"] for e in ledger) and len(ledger) == 6


def test_a_killed_ray_run_resumes_under_either_engine(ray_cluster, model, folder, tmp_path):
    ref = tmp_path / "ref.jsonl"
    run_batch([str(folder)], ref, Pipeline(**_kwargs(model)), quiet=True)
    done = []

    def crash_after_two(path):
        done.append(path)
        if len(done) == 2:
            raise _Crash(path)

    for resume_with in ("ray", "local"):
        out = tmp_path / f"{resume_with}.jsonl"
        with pytest.raises(_Crash):
            run_batch([str(folder)], out, None, quiet=True, on_input_done=crash_after_two,
                      engine=RayEngine(_kwargs(model), workers=2))
        done.clear()
        engine = RayEngine(_kwargs(model), workers=2) if resume_with == "ray" else None
        s = run_batch([str(folder)], out, None if engine else Pipeline(**_kwargs(model)), resume=True, quiet=True,
                      engine=engine)
        assert s.skipped == 2 and _files(out) == _files(ref), resume_with


def test_a_uri_is_read_where_the_actor_runs_and_named_as_given(ray_cluster, model, tmp_path):
    uri = f"file://{PAGE}"
    run_batch([uri], tmp_path / "o.jsonl", None, quiet=True, engine=RayEngine(_kwargs(model), workers=1))
    recs = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 7 and {r["source"] for r in recs} == {uri} and {r["input"] for r in recs} == {uri}


def test_without_the_extra_the_ray_engine_is_one_error_line(monkeypatch, tmp_path):
    import xinwen.inference.ray_engine as re_mod

    monkeypatch.setattr(re_mod, "ray_available", lambda: False)
    r = CliRunner().invoke(app, ["run", str(PAGE), "-o", str(tmp_path / "o.jsonl"), "--engine", "ray"])
    assert r.exit_code == 2 and "pip install 'xinwen[ray]'" in r.stderr and len(r.stderr.splitlines()) == 1
    r = CliRunner().invoke(app, ["run", str(PAGE), "-o", str(tmp_path / "o.jsonl"), "--workers", "4"])
    assert r.exit_code == 2 and "--engine ray" in r.stderr
