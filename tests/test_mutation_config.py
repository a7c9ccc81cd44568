"""``mutation.toml`` is read as ``make mutation`` reads it: every engine's module and test files
exist, and every equivalent mutant names its mutant and gives its reason."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mutation_script():
    spec = importlib.util.spec_from_file_location(
        "mutation_script", ROOT / "scripts" / "mutation.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_every_engine_names_files_that_exist(mutation_script):
    engines = mutation_script.load_engines()
    assert engines
    for engine in engines:
        assert (ROOT / engine.module).is_file(), engine.name
        assert engine.tests, engine.name
        for test_file in engine.tests:
            assert (ROOT / test_file).is_file(), (engine.name, test_file)


def test_every_equivalent_mutant_belongs_to_its_engine(mutation_script):
    for engine in mutation_script.load_engines():
        dotted = engine.module.removeprefix("src/").removesuffix(".py").replace("/", ".")
        for mutant, reason in engine.equivalent.items():
            assert mutant.startswith(dotted + "."), (engine.name, mutant)
            assert reason.strip(), (engine.name, mutant)


def test_an_entry_without_its_mutant_is_refused_by_name(mutation_script, tmp_path, monkeypatch):
    config = tmp_path / "mutation.toml"
    config.write_text(
        '[engine.crypto]\nmodule = "src/enlist/vault/crypto.py"\ntests = ["t.py"]\n'
        '[[engine.crypto.equivalent]]\nreason = "a reason without its mutant"\n',
        "utf-8",
    )
    monkeypatch.setattr(mutation_script, "CONFIG", config)
    with pytest.raises(SystemExit, match=r"engine 'crypto', equivalent entry 1: no mutant"):
        mutation_script.load_engines()
