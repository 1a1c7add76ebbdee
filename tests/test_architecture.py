"""The import contracts in pyproject.toml hold, and they bite: an import that
climbs back up a layer, at the top of a module or inside a function, breaks
the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    for package in ("blog", "casestudies", "config"):
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "templates"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_its_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # interviews below pages: the state machine may not make drafts itself.
        (
            "casestudies/interviews/states.py",
            "from casestudies.pages import drafts  # noqa\n",
            "Case studies: the app's wiring",
        ),
        # Inside a function too: grimp reads every import statement.
        (
            "casestudies/companies/opt_out.py",
            "def _hidden():\n    from casestudies.interviews import contact_log  # noqa\n",
            "Case studies: the app's wiring",
        ),
        ("blog/feeds.py", "import casestudies.pages.models  # noqa\n", "The project: its configuration"),
        (
            "casestudies/interviews/models.py",
            "from casestudies.interviews import emails  # noqa\n",
            "Models call",
        ),
        # Siblings importing each other both ways.
        ("blog/page_marks.py", "from blog import pageviews  # noqa\n", "No import circles"),
    ],
)
def test_an_import_against_the_layers_breaks_the_build(copy_of_the_code, module, line, contract):
    path = copy_of_the_code / module
    path.write_text(path.read_text() + "\n" + line)

    result = lint_imports(copy_of_the_code)

    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout
