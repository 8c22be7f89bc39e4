"""`xinwen run`: broken inputs reported and skipped, resume redoes nothing, kill + resume = one run."""

import json
import shutil

import pytest
from xinwen.inference.batch import run_batch
from xinwen.inference.pipeline import Pipeline

from tests.conftest import ROOT, mixed_folder

PAGE = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"


@pytest.fixture(scope="module")
def pipeline(tfidf_theme_model):
    return Pipeline(theme_model=str(tfidf_theme_model), digest_method="lead")


@pytest.fixture()
def folder(tmp_path):
    return mixed_folder(tmp_path, 4)


def _lines(p):
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]


def test_mixed_folder_errors_and_resume_noop(pipeline, folder, tmp_path):
    out = tmp_path / "out.jsonl"
    s = run_batch([str(folder)], out, pipeline, quiet=True, report=tmp_path / "brief.html")
    recs = _lines(out)
    assert len(recs) == 4 * 7 + 1
    assert all(r["theme"] and "digest" in r and r["digest"] for r in recs)
    errs = _lines(tmp_path / "out.errors.jsonl")
    reasons = " ".join(e["reason"] for e in errs)
    assert "zz_binary.txt" in reasons and "zz_empty.txt" in reasons and "articles.jsonl:2: malformed JSON" in reasons
    assert s.errors == 3
    import os

    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "brief.html").stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0600
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "<svg" in html and "http" not in html.replace("http-equiv", "") and "道路交通安全" in html
    before = out.read_bytes()
    s2 = run_batch([str(folder)], out, pipeline, resume=True, quiet=True)
    # the binary and the empty file failed outright: they are tried again (and fail again)
    assert s2.articles == 0 and s2.skipped == s.inputs - 2 and s2.errors == 2
    assert out.read_bytes() == before


def test_kill_halfway_then_resume_equals_uninterrupted(pipeline, folder, tmp_path):
    full = tmp_path / "full.jsonl"
    run_batch([str(folder)], full, pipeline, quiet=True, group_size=1)

    class Killed(Exception):
        pass

    seen = []

    def die(path):
        seen.append(path)
        if len(seen) == 3:
            raise Killed

    part = tmp_path / "part.jsonl"
    with pytest.raises(Killed):
        run_batch([str(folder)], part, pipeline, quiet=True, on_input_done=die, group_size=1)
    with open(part, "a", encoding="utf-8") as fh:  # a crash mid-way through the next input
        fh.write('{"id": "page3#p1-1", "source": "x", "text": "half')
    run_batch([str(folder)], part, pipeline, resume=True, quiet=True, group_size=1)
    assert _lines(part) == _lines(full)


def test_output_inside_the_input_folder_is_not_an_input(pipeline, folder, tmp_path):
    """`run pages/ -o pages/out.jsonl --report pages/brief.html`, run twice and resumed: the
    run's own output, error, progress and report files are never read back as inputs."""
    ref = run_batch([str(folder)], tmp_path / "ref.jsonl", pipeline, quiet=True)
    out = folder / "out.jsonl"
    first = run_batch([str(folder)], out, pipeline, quiet=True, report=folder / "brief.html")
    again = run_batch([str(folder)], out, pipeline, quiet=True, report=folder / "brief.html")
    assert (first.inputs, first.articles, first.errors) == (again.inputs, again.articles, again.errors) == (
        ref.inputs, ref.articles, ref.errors)
    resumed = run_batch([str(folder)], out, pipeline, resume=True, quiet=True)
    assert resumed.inputs == ref.inputs and resumed.skipped == ref.inputs - 2  # the two broken inputs are retried
    assert [r["id"] for r in _lines(out)] == [r["id"] for r in _lines(tmp_path / "ref.jsonl")]


@pytest.mark.slow
def test_briefing_renders_in_headless_chromium(pipeline, tmp_path):
    """Run with `pytest -m slow`: needs Debian's chromium (and fonts-noto-cjk to read the result)."""
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed")
    run_batch([str(PAGE)], tmp_path / "o.jsonl", pipeline, quiet=True, report=tmp_path / "b.html")
    png = tmp_path / "b.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600",
                    f"--screenshot={png}", f"file://{tmp_path / 'b.html'}"], check=True, timeout=120,
                   capture_output=True)
    assert png.stat().st_size > 20_000  # a real page, not a blank


def test_resume_by_absolute_path_and_retry_of_a_fixed_input(pipeline, folder, tmp_path, monkeypatch):
    """First run with a relative folder, resume with its absolute path: nothing twice; an input
    that failed (empty) and was fixed since is done on resume; a changed input is redone."""
    monkeypatch.chdir(folder.parent)
    out = tmp_path / "out.jsonl"
    first = run_batch(["in"], out, pipeline, quiet=True)
    n = len(_lines(out))
    shutil.copy(PAGE, folder / "zz_empty.txt")  # fixed
    again = run_batch([str(folder.resolve())], out, pipeline, resume=True, quiet=True)
    recs = _lines(out)
    assert again.skipped == first.inputs - 2 and len(recs) == n + 7
    assert len({(r["input"], r["id"]) for r in recs}) == len(recs)
    (folder / "page0.txt").write_text(PAGE.read_text(encoding="utf-8").replace("春天", "秋天"), encoding="utf-8")
    third = run_batch([str(folder.resolve())], out, pipeline, resume=True, quiet=True)
    assert third.articles == 7 and len(_lines(out)) == n + 7  # page0 redone, its old articles dropped
    assert any("秋天" in r["text"] for r in _lines(out))


def test_a_second_run_on_the_same_out_is_refused_while_the_first_holds_it(pipeline, folder, tmp_path):
    from xinwen.inference.batch import RunLocked, locked

    out = tmp_path / "out.jsonl"
    with locked(out):
        with pytest.raises(RunLocked, match="another xinwen run is writing it"):
            run_batch([str(folder)], out, pipeline, quiet=True)
    assert not out.exists()
    run_batch([str(folder)], out, pipeline, quiet=True)  # free again once the first is done
    assert out.exists()


class _Crash(RuntimeError):
    pass


def test_a_large_record_file_streams_in_chunks_and_resumes_inside_itself(pipeline, tmp_path):
    """50 records, chunks of 10: a crash while annotating the third chunk, then --resume, gives
    the uninterrupted output byte for byte and annotates only what was not yet written."""
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"r{i}", "text": f"第{i}条新闻。交警开展一盔一带整治行动。"}, ensure_ascii=False)
                             for i in range(50)) + "\n{broken\n", encoding="utf-8")
    ref = tmp_path / "ref.jsonl"
    run_batch([str(src)], ref, pipeline, quiet=True, group_size=10)
    out = tmp_path / "out.jsonl"
    real, calls = pipeline.annotate, []

    def failing(recs, progress=None):
        calls.append(len(recs))
        if len(calls) == 3:
            raise _Crash("killed")
        return real(recs, progress)

    pipeline.annotate = failing
    try:
        with pytest.raises(_Crash):
            run_batch([str(src)], out, pipeline, quiet=True, group_size=10)
    finally:
        pipeline.annotate = real
    assert len(_lines(out)) == 20  # two chunks written and recorded before the crash
    seen = []
    pipeline.annotate = lambda recs, progress=None: seen.append(len(recs)) or real(recs, progress)
    try:
        s = run_batch([str(src)], out, pipeline, resume=True, quiet=True, group_size=10)
    finally:
        pipeline.annotate = real
    assert sum(seen) == 30 and s.articles == 30
    assert out.read_bytes() == ref.read_bytes()
    assert _lines(tmp_path / "out.errors.jsonl") == _lines(tmp_path / "ref.errors.jsonl")


def test_kill_9_at_random_points_through_the_cli_then_resume(folder, tmp_path):
    """The real thing: `xinwen run` killed with SIGKILL at three moments, then `--resume`."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    cmd = [sys.executable, "-m", "xinwen", "run", str(folder), "--method", "lead", "--backend", "auto"]
    ref = tmp_path / "ref.jsonl"
    subprocess.run([*cmd, "-o", str(ref)], capture_output=True, check=False, timeout=300)
    rng = random.Random(7)
    for k in range(3):
        out = tmp_path / f"out{k}.jsonl"
        p = subprocess.Popen([*cmd, "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        time.sleep(rng.uniform(1.0, 4.0))
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        subprocess.run([*cmd, "-o", str(out), "--resume"], capture_output=True, check=False, timeout=300)
        assert out.read_bytes() == ref.read_bytes(), k


def test_two_concurrent_cli_runs_on_one_out_give_every_record_once(folder, tmp_path):
    """The second `xinwen run` on the same OUT while the first holds it exits 2 naming the holder;
    the first finishes alone; every record is in OUT exactly once."""
    import subprocess
    import sys
    import time

    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "xinwen", "run", str(folder), "-o", str(out), "--method", "lead"]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = tmp_path / ".out.jsonl.lock"
    deadline = time.time() + 60
    while not (lock.exists() and lock.read_text(encoding="utf-8").startswith("pid")) and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert first.wait(timeout=300) == 0
    assert second.returncode == 2 and "another xinwen run is writing it (pid" in second.stderr
    recs = _lines(out)
    assert len(recs) == 29 and len({(r["input"], r["id"]) for r in recs}) == len(recs)
