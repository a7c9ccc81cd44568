"""README.md is the front door: two commands first, then every `enlist` command documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

README = Path(__file__).resolve().parent.parent / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def first_code_block(text: str) -> list[str]:
    """The commands of the first fenced code block, comments and blank lines left out."""
    match = re.search(r"^```[^\n]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert match is not None, "README.md has no code block"
    lines = (line.split("#", 1)[0].strip() for line in match.group(1).splitlines())
    return [line for line in lines if line]


def project_commands() -> list[str]:
    """Names of the management commands Enlist itself defines (`enlist <name>`)."""
    return sorted(name for name, app in get_commands().items() if app.startswith("enlist."))


def test_readme_starts_with_make_run_and_make_test():
    text = readme()

    assert text.startswith("# Enlist\n")
    assert first_code_block(text) == ["make run", "make codes", "make test"]
    # a five-line "try it": the commands and what to do between them
    block = re.search(r"^```[^\n]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE).group(1)
    assert len(block.splitlines()) == 5
    # ...and before any section: they are the first thing a reader meets.
    sections = [match.start() for match in re.finditer(r"^## ", text, re.MULTILINE)]
    assert all(text.index("```") < start for start in sections)


@pytest.mark.parametrize(
    "usage", ["enlist serve", "enlist demo", "enlist staff add", "enlist staff token"]
)
def test_readme_documents_the_command(usage):
    assert usage in readme()


def test_readme_documents_every_enlist_command():
    commands = project_commands()

    assert {"serve", "staff"} <= set(commands)
    assert [name for name in commands if f"enlist {name}" not in readme()] == []


# A path README names: a file or folder of the repository (`docs/adr/`, `scripts/test.sh`).
_PATH = re.compile(
    r"`((?:\.?[\w.-]+/)*[\w.-]+\.(?:md|py|sh|toml|lock|js|css|html)|[\w.-]+/(?:[\w.-]+/)*)`"
)


def test_readme_refers_only_to_files_in_the_repository():
    root = README.parent
    named = {match.group(1) for match in _PATH.finditer(readme())}
    # URL paths (`/staff/…`) and paths on the operator's machine are not repository files.
    in_repo = {
        path
        for path in named
        if not path.startswith(("/", "api/", "staff/", "var/", "etc/", "opt/", ".venv/"))
    }

    assert "DESIGN.md" not in readme()
    assert in_repo, "the pattern found no path at all"
    # A bare file name ("each app's `jobs.py`") names a file some package holds.
    missing = [
        path
        for path in in_repo
        if not (root / path).exists() and ("/" in path or not any(root.glob(f"src/**/{path}")))
    ]
    assert sorted(missing) == []
