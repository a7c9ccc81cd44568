"""The engine is pure Python: only its management command may import Django."""

from __future__ import annotations

import ast
from pathlib import Path

import enlist.matching

PACKAGE = Path(enlist.matching.__file__).parent


def test_no_django_import_outside_the_command():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if "management" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []
