"""Mutation testing of the pure engines, one engine at a time, against its own test files.

    python scripts/mutation.py                # every engine in mutation.toml
    python scripts/mutation.py crypto audit   # only these engines
    python scripts/mutation.py --list         # the engines and their test files
    python scripts/mutation.py --report       # the last run's tables again, no mutating

For each engine in ``mutation.toml`` the script lays out a scratch project under
``build/mutation/<engine>/`` (a copy of ``src/`` and ``tests/`` and a ``pyproject.toml`` whose
``[tool.mutmut]`` names that engine's module and its own test files only), runs ``mutmut run
--max-children 1`` there (one core: the machine is shared) and prints a table per engine:
mutants made, killed (a test failed or timed out), equivalent (listed in ``mutation.toml`` with
the reason), survived. The score is killed / (mutants - equivalent). A surviving mutant is
printed with its diff; an "equivalent" entry whose mutant no longer exists or is now killed
is reported as stale, so the list cannot rot silently.

Exit status: 0 when every engine reaches its ``min_score`` (default 90) and has no stale
entry, 1 otherwise, 2 when mutmut itself failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mutation.toml"
SCRATCH = ROOT / "build" / "mutation"
# mutmut's verdicts (``mutmut results --all true``) and how this report counts them.
KILLED = {"killed", "timeout", "caught by type check"}
SURVIVED = {"survived", "no tests", "suspicious", "skipped", "not checked", "segfault"}


@dataclass
class Engine:
    name: str
    module: str
    tests: list[str]
    min_score: float
    equivalent: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    engine: Engine
    statuses: dict[str, str]
    diffs: dict[str, str]

    @property
    def equivalent(self) -> list[str]:
        return [
            m for m, s in self.statuses.items() if s in SURVIVED and m in self.engine.equivalent
        ]

    @property
    def killed(self) -> list[str]:
        return [m for m, s in self.statuses.items() if s in KILLED]

    @property
    def survived(self) -> list[str]:
        return [
            m for m, s in self.statuses.items() if s in SURVIVED and m not in self.engine.equivalent
        ]

    @property
    def stale(self) -> list[str]:
        """Listed as equivalent, but now killed or no longer made: the list must be fixed."""
        return [
            m
            for m in self.engine.equivalent
            if m not in self.statuses or self.statuses[m] in KILLED
        ]

    @property
    def score(self) -> float:
        counted = len(self.statuses) - len(self.equivalent)
        return 100.0 * len(self.killed) / counted if counted else 100.0


def load_engines() -> list[Engine]:
    data = tomllib.loads(CONFIG.read_text("utf-8"))
    default_min = float(data.get("min_score", 90))
    engines = []
    for name, row in data["engine"].items():
        equivalent = {}
        for number, item in enumerate(row.get("equivalent", []), start=1):
            missing = [key for key in ("mutant", "reason") if not item.get(key)]
            if missing:
                raise SystemExit(
                    f"{CONFIG.name}: engine {name!r}, equivalent entry {number}: "
                    f"no {' and no '.join(missing)}"
                )
            equivalent[item["mutant"]] = item["reason"]
        engines.append(
            Engine(
                name=name,
                module=row["module"],
                tests=list(row["tests"]),
                min_score=float(row.get("min_score", default_min)),
                equivalent=equivalent,
            )
        )
    return engines


def _pytest_section() -> str:
    """The project's own [tool.pytest.ini_options], so the scratch copy runs tests alike."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    match = re.search(r"^\[tool\.pytest\.ini_options\]\n(?:(?!^\[).*\n?)*", text, re.M)
    if match is None:
        raise SystemExit("pyproject.toml has no [tool.pytest.ini_options]")
    return match.group(0)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def prepare(engine: Engine) -> Path:
    for path in [engine.module, *engine.tests]:
        if not (ROOT / path).exists():
            raise SystemExit(f"mutation.toml: engine {engine.name!r}: {path} does not exist")
    work = SCRATCH / engine.name
    shutil.rmtree(work, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "src", work / "src", ignore=ignore)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
    (work / "pyproject.toml").write_text(
        _pytest_section()
        + "\n[tool.mutmut]\n"
        + 'source_paths = ["src"]\n'
        + f"only_mutate = {_toml_list([engine.module])}\n"
        + f"pytest_add_cli_args_test_selection = {_toml_list(engine.tests)}\n",
        "utf-8",
    )
    return work


def _mutmut(work: Path, *args: str, log: Path | None = None) -> str:
    env = {**os.environ, "ENLIST_ENV": "test"}
    # Properties at the quick profile's tenth of their examples: every mutant runs the tests
    # that cover it, and the score is then a lower bound of what the full suite kills.
    env.setdefault("ENLIST_HYPOTHESIS_PROFILE", "quick")
    # The tests must import the mutated copy: mutmut puts build/.../mutants/src first and
    # removes the scratch src; a PYTHONPATH naming the real tree would shadow both.
    env.pop("PYTHONPATH", None)
    env.setdefault("ENLIST_DATA_DIR", str(work / "data"))
    Path(env["ENLIST_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    mutmut = Path(sys.executable).with_name("mutmut")
    done = subprocess.run(  # noqa: S603 - our own venv's mutmut, fixed arguments
        [str(mutmut), *args], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    if log is not None:
        log.write_text(done.stdout + done.stderr, "utf-8")
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        print(f"mutmut {' '.join(args)} failed in {work}:\n{tail}", file=sys.stderr)
        raise SystemExit(2)
    return done.stdout


def run(engine: Engine, *, again: bool = True) -> Outcome:
    if again:
        work = prepare(engine)
        print(f"== {engine.name}: mutating {engine.module}", file=sys.stderr, flush=True)
        _mutmut(work, "run", "--max-children", "1", log=work / "run.log")
    else:
        work = SCRATCH / engine.name
        if not (work / "mutants").is_dir():
            raise SystemExit(f"{engine.name}: no earlier run in {work}; run without --report")
    statuses = {}
    for line in _mutmut(work, "results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            statuses[name] = status
    diffs = {}
    for name, status in statuses.items():
        if status in SURVIVED and name not in engine.equivalent:
            shown = _mutmut(work, "show", name)
            diffs[name] = "\n".join(
                line
                for line in shown.splitlines()
                if line[:1] in "+-" and line[:3] not in ("+++", "---")
            )
    return Outcome(engine=engine, statuses=statuses, diffs=diffs)


def report(outcome: Outcome) -> bool:
    e = outcome.engine
    ok = outcome.score >= e.min_score and not outcome.stale
    print(f"\n### {e.name} — {e.module}")
    print(f"tests: {', '.join(e.tests)}\n")
    print("| mutants | killed | equivalent | survived | score | required |")
    print("|--------:|-------:|-----------:|---------:|------:|---------:|")
    print(
        f"| {len(outcome.statuses)} | {len(outcome.killed)} | {len(outcome.equivalent)} "
        f"| {len(outcome.survived)} | {outcome.score:.1f} % | {e.min_score:.0f} % |"
    )
    for name in outcome.survived:
        print(f"\nsurvived ({outcome.statuses[name]}): {name}\n{outcome.diffs.get(name, '')}")
    for name in outcome.stale:
        print(f"\nstale equivalent entry (killed or gone, remove it): {name}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("engines", nargs="*", help="engine names from mutation.toml (all)")
    parser.add_argument("--list", action="store_true", help="list the engines and stop")
    parser.add_argument(
        "--report",
        action="store_true",
        help="print the tables of the last run (build/mutation/) against mutation.toml's "
        "current equivalent lists, without mutating again",
    )
    args = parser.parse_args(argv)
    engines = load_engines()
    if args.list:
        for e in engines:
            print(f"{e.name}: {e.module} <- {' '.join(e.tests)}")
        return 0
    unknown = set(args.engines) - {e.name for e in engines}
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    chosen = [e for e in engines if not args.engines or e.name in args.engines]
    outcomes = [run(e, again=not args.report) for e in chosen]
    results = [report(o) for o in outcomes]
    print("\n## Summary\n")
    print("| engine | mutants | killed | equivalent | survived | score | result |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for o, ok in zip(outcomes, results, strict=True):
        print(
            f"| {o.engine.name} | {len(o.statuses)} | {len(o.killed)} | {len(o.equivalent)} "
            f"| {len(o.survived)} | {o.score:.1f} % | {'ok' if ok else 'FAIL'} |"
        )
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
