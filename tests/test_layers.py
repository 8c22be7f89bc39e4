"""The layers hold: `models/` imports nothing above it, `inference/` never `training/`, and no
library module imports the CLI. Checked on the import statements themselves (lazy imports
inside functions included), so a shortcut taken anywhere shows."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = {  # package folder → what its modules may not import
    "models": ("xinwen.inference", "xinwen.training", "xinwen.cli", "xinwen.ui", "xinwen.packaging"),
    "inference": ("xinwen.training", "xinwen.cli"),
    "training": ("xinwen.cli",),
    "configs": ("xinwen.",),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.lineno, node.module))
    return out


@pytest.mark.parametrize("folder", sorted(RULES))
def test_no_module_imports_a_layer_above_it(folder):
    bad = [f"{p.relative_to(ROOT)}:{line}: {name}"
           for p in sorted((ROOT / folder).rglob("*.py"))
           for line, name in _imports(p) if name.startswith(RULES[folder])]
    assert not bad, "\n".join(bad)


def test_the_library_never_imports_the_cli():
    bad = [f"{p.relative_to(ROOT)}:{line}" for folder in ("models", "inference", "training")
           for p in (ROOT / folder).rglob("*.py") for line, name in _imports(p) if name == "xinwen.cli"]
    bad += [f"xinwen/{p.name}:{line}" for p in (ROOT / "xinwen").glob("*.py")
            if p.name not in ("cli.py", "__main__.py") for line, name in _imports(p) if name == "xinwen.cli"]
    assert not bad
