"""The README is what an operator reads first: it must name every variable
the settings read, and the two commands it promises must exist."""

import os
import re

from tests.processes import REPO
from tests.test_docker import settings_env_names

README = (REPO / "README.md").read_text()


def documented_variables() -> set[str]:
    # The first cell of each row of the configuration table names one or more variables.
    table = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    cells = re.findall(r"^\| (.*?) \|", table, re.M)
    return {name for cell in cells for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cell)}


def test_every_variable_the_settings_read_is_in_the_readme_table():
    missing = settings_env_names() - documented_variables()
    assert not missing, f"add to the README's configuration table: {sorted(missing)}"


def test_the_table_is_read_by_this_test():
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_S3_ENDPOINT_URL"} <= documented_variables()


def test_the_two_commands_exist_and_are_executable():
    for command in ("bin/run", "bin/test"):
        assert f"{command}" in README
        assert os.access(REPO / command, os.X_OK), command


def test_every_link_in_the_readme_and_the_docs_leads_to_a_file_in_the_repository():
    # A clone of main stands alone: no link to a folder beside it, none broken.
    for document in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", document.read_text()):
            if re.match(r"[a-z]+:", target):
                continue  # a web address
            path = (document.parent / target).resolve()
            assert path.is_relative_to(REPO), f"{document.name} links outside the repository: {target}"
            assert path.exists(), f"{document.name} links to a missing file: {target}"
