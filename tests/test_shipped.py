"""The models shipped inside the package: they load offline and do their job on the bundled page."""

import json

import pytest

from tests.conftest import FIX, ROOT
from xinwen.settings import bundled_model

PAGE = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"
needs = lambda key: pytest.mark.skipif(bundled_model(key) is None, reason=f"no bundled {key}")  # noqa: E731


@needs("theme_model")
def test_bundled_page_articles_get_their_gold_theme():
    from xinwen.inference.pipeline import Pipeline
    from xinwen.inference.segmenter import page_records
    from xinwen.inference.sources import read_pages

    gold = [a["themes"][0] for a in json.loads((FIX / "hunan-daily-2022-regional-page.gold.json").read_text())["articles"]]
    recs = [r for p in read_pages(str(PAGE)) for r in page_records(p)]
    Pipeline(digest=False).annotate(recs)
    assert [r.theme for r in recs] == gold


@needs("digest_model")
def test_every_article_of_the_bundled_page_gets_a_digest():
    from xinwen.inference.digest import Digester
    from xinwen.inference.segmenter import page_records
    from xinwen.inference.sources import read_pages
    from xinwen.models.textclean import normalise_text

    d = Digester()
    recs = [r for p in read_pages(str(PAGE)) for r in page_records(p)]
    assert recs[-1].title is None  # the untitled article gets one too
    for r in recs:
        out = d(r.text)
        assert 4 <= len(out) <= 30 and out in normalise_text(r.text)


@needs("base_model")
def test_bundled_base_loads_offline_as_float32():
    import torch
    from xinwen.models.bert import load_masked_lm

    model, tok = load_masked_lm(bundled_model("base_model"))
    assert next(model.parameters()).dtype == torch.float32
    assert tok.tokenize("湘潭高新区")[:2] == ["湘", "潭"]
    assert model.config.num_hidden_layers == 4


def test_info_reports_what_is_bundled():
    from typer.testing import CliRunner

    from xinwen.cli import app

    data = json.loads(CliRunner().invoke(app, ["info", "--json"]).output)
    for key in ("base_model", "theme_model", "digest_model"):
        assert (data[key] is None) == (bundled_model(key) is None)


@needs("theme_model")
@needs("digest_model")
def test_the_readme_run_command_on_the_bundled_page(tmp_path):
    """`xinwen run PAGE -o OUT --briefing HTML`, the README's third command, through the CLI: every
    article written with a theme and a digest, the briefing written, and the summary on one line
    (no tokenizer warning, no line wrapped at the console's width, which broke grep-able logs)."""
    from typer.testing import CliRunner

    from xinwen.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    third = readme.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()[2].split()
    assert third[0] == ".venv/bin/xinwen" and third[1:3] == ["run", "examples/hunan-daily-2022-regional-page.txt"]
    out, html = tmp_path / "articles.jsonl", tmp_path / "brief.html"
    to = {"-o": str(out), "--briefing": str(html)}  # the README's own options, written under tmp_path
    assert third[3::2] == list(to)
    r = CliRunner().invoke(app, ["run", str(PAGE), *(x for flag in third[3::2] for x in (flag, to[flag]))])
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 7 and all(x["theme"] and x["digest"] for x in recs)
    assert "湘潭高新区" in html.read_text(encoding="utf-8")
    summary = [x for x in r.output.splitlines() if "errors in" in x]
    assert len(summary) == 1 and summary[0].startswith("1 input (0 already done), 1 page, 7 articles, 0 errors in ")
    assert summary[0].endswith("articles/s)")
    assert "longer than the specified maximum" not in r.output
