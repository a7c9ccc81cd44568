"""The engine is pure Python: only the app's Django shell (models, services, pages, API,
commands, migrations) may import Django, and the engine never imports the shell."""

from __future__ import annotations

import ast
from pathlib import Path

import enlist.matching

PACKAGE = Path(enlist.matching.__file__).parent
# The Django side of the app: it adapts the engine to storage, HTTP and templates.
SHELL = frozenset(
    {"apps.py", "models.py", "services.py", "selectors.py", "views.py", "api.py", "urls.py",
     "signals.py", "presentation.py", "schemas.py", "jobs.py", "persons.py"}
)  # fmt: skip
SHELL_DIRS = frozenset({"management", "migrations", "templatetags"})


def _is_shell(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return bool(SHELL_DIRS & set(parts)) or (len(parts) == 1 and parts[0] in SHELL)


def test_no_django_import_outside_the_shell():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if _is_shell(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
            shell = {f"enlist.matching.{p.removesuffix('.py')}" for p in SHELL}
            offenders += [f"{path.name}: {n}" for n in names if n in shell]
    assert offenders == []
