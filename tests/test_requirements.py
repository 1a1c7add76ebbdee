"""One source of truth for dependencies: requirements.in (runtime) and
requirements-dev.in (tests and tools) declare every third-party distribution
the code imports directly, and the compiled files pin every package with
hashes, so an install gets exactly the locked set (bin/lock regenerates them).

A package the code imports but that only arrives as another package's
dependency works until that package drops it; these tests name it first."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.processes import REPO

# Code that runs in production: its imports belong in requirements.in.
RUNTIME_CODE = ["blog", "casestudies", "config", "manage.py", "docker/healthcheck.py"]
# Code that only tests and measures: requirements-dev.in may declare its imports.
DEV_CODE = ["tests", "bench"]

LOCKED = ["requirements.txt", "requirements-dev.txt"]


def normalize(name: str) -> str:
    """A distribution name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(in_file: str) -> set[str]:
    """Distributions named in a .in file, following its -r includes."""
    names = set()
    for line in (REPO / in_file).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            names |= declared(line.split(None, 1)[1])
        elif line.startswith("-"):
            continue  # -c and other options constrain; they declare nothing
        else:
            names.add(normalize(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line).group(0)))
    return names


def first_party() -> set[str]:
    return {path.name for path in REPO.iterdir() if (path / "__init__.py").is_file()} | {"manage"}


def python_files(relative: str) -> list[Path]:
    path = REPO / relative
    if path.is_file():
        return [path]
    return sorted(path.rglob("*.py")) if path.is_dir() else []


def parse(path: Path) -> ast.Module:
    """ast.parse, again when CPython 3.11.7 miscounts: its AST constructor's
    depth counter is shared by threads (a thread another test left importing
    a module races with this one) and raises a spurious SystemError
    (python/cpython#106905, fixed in 3.11.8). A real syntax error still fails."""
    for attempt in range(3):
        try:
            return ast.parse(path.read_text(), filename=str(path))
        except SystemError as error:
            if "recursion depth mismatch" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def imported_top_level_names(relative: str) -> dict[str, set[str]]:
    """Top-level module names imported by the code under `relative`, each with the files that import it."""
    names: dict[str, set[str]] = {}
    for path in python_files(relative):
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                names.setdefault(module.split(".")[0], set()).add(str(path.relative_to(REPO)))
    return names


def third_party_imports(code: list[str]) -> dict[str, set[str]]:
    """Each distribution imported by `code`, with the files that import it.

    Several distributions can provide one import name (e.g. a namespace
    package); the key is then all of them, joined by " or "."""
    local = first_party() | set(sys.stdlib_module_names) | {"__future__"}
    providers = packages_distributions()
    found: dict[str, set[str]] = {}
    for relative in code:
        for name, files in imported_top_level_names(relative).items():
            if name in local:
                continue
            distributions = sorted({normalize(d) for d in providers.get(name, [])})
            key = " or ".join(distributions) or f"<no installed distribution provides {name!r}>"
            found.setdefault(key, set()).update(files)
    return found


def undeclared(imports: dict[str, set[str]], names: set[str]) -> dict[str, list[str]]:
    return {
        key: sorted(files)[:3]
        for key, files in imports.items()
        if not any(candidate in names for candidate in key.split(" or "))
    }


def test_runtime_code_declares_every_distribution_it_imports_in_requirements_in():
    missing = undeclared(third_party_imports(RUNTIME_CODE), declared("requirements.in"))
    assert not missing, f"imported but not in requirements.in (then run bin/lock): {missing}"


def test_tests_and_benchmarks_declare_every_distribution_they_import():
    missing = undeclared(third_party_imports(DEV_CODE), declared("requirements-dev.in"))
    assert not missing, (
        f"imported but not in requirements.in or requirements-dev.in (then run bin/lock): {missing}"
    )


def test_the_scan_sees_the_imports():
    # The checks above are only as good as this scan and the name mapping.
    runtime = third_party_imports(RUNTIME_CODE)
    assert {"django", "wagtail", "celery", "pillow", "django-filter", "django-modelcluster"} <= set(runtime)
    assert "pytest" in third_party_imports(DEV_CODE)
    assert "pytest" not in declared("requirements.in")
    assert {"django", "pytest", "import-linter", "pip-tools"} <= declared("requirements-dev.in")


def requirement_entries(locked: str) -> list[str]:
    """The requirement entries of a compiled file, continuation lines joined."""
    text = (REPO / locked).read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def pins(locked: str) -> dict[str, str]:
    versions = {}
    for entry in requirement_entries(locked):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", entry)
        assert match, f"{locked}: not pinned with ==: {entry[:80]}"
        versions[normalize(match.group(1))] = match.group(2)
    return versions


@pytest.mark.parametrize("locked", LOCKED)
def test_every_locked_requirement_is_pinned_with_a_hash(locked):
    entries = requirement_entries(locked)
    assert entries, f"{locked} is empty"
    without = [entry.split()[0] for entry in entries if "--hash=sha256:" not in entry]
    assert not without, f"{locked} has requirements without a hash (run bin/lock): {without}"
    pins(locked)


@pytest.mark.parametrize("locked", LOCKED)
def test_the_locked_files_name_no_index_or_path_of_the_machine_that_locked_them(locked):
    # pip's configuration here adds local indexes; the files must install the same anywhere.
    text = (REPO / locked).read_text()
    for option in ("--index-url", "--extra-index-url", "--find-links", "--trusted-host", "://"):
        assert option not in text, f"{locked} contains {option!r}: run bin/lock"
    paths = [entry.split()[0] for entry in requirement_entries(locked) if "/" in entry]
    assert not paths, f"{locked} names files or URLs, not pinned packages: {paths}"


def test_the_lock_follows_the_in_files():
    # An edit of an .in file without bin/lock shows up here.
    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    for in_file, locked in (("requirements.in", runtime), ("requirements-dev.in", dev)):
        for name in declared(in_file):
            assert name in locked, f"{name} is in {in_file} but not locked: run bin/lock"
    differing = {
        name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version
    }
    assert not differing, f"requirements-dev.txt must hold the runtime set at the same versions: {differing}"
