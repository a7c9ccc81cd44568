"""CSV in, clusters out: the work behind ``enlist dedup``. No Django.

Input: UTF-8 CSV with a header naming at least ``id``; the columns
``given_name,family_name,date_of_birth,nationality,passport_number,email,phone,city`` are
used when present (``residence_country`` too), any value may be empty, other columns are
ignored. Output: ``id,cluster_id``, one row per readable input row, in input order; records
of one person share a cluster id. ``explain``: every scored pair with probability >= 0.5,
its probability, whether it ended in one cluster, and each field's level and weight.

A bad row (wrong number of values, no id, an id seen before, bytes that are not UTF-8) is
reported with its line number and left out; an unreadable date of birth is reported and
treated as missing. Neither stops the run.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TextIO

from enlist.matching.compare import FIELDS
from enlist.matching.encode import encode_columns, no_cyclic_gc
from enlist.matching.engine import DEFAULT_THRESHOLD, deduplicate
from enlist.matching.normalise import parse_date
from enlist.matching.records import Record

# The columns a CSV may have: the fields of a record, as the engine takes them in.
INPUT_COLUMNS = tuple(f.name for f in fields(Record))
EXPLAIN_MIN_PROBABILITY = 0.5


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str


@dataclass
class DedupSummary:
    records: int
    clusters: int
    pairs_explained: int = 0
    problems: list[BadRow] = field(default_factory=list)


class InputError(ValueError):
    """The file as a whole cannot be read (no header, no id column)."""


def read_columns(
    path: Path, report: Callable[[BadRow], None]
) -> tuple[dict[str, list[str]], list[int]]:
    """Columns of the readable rows and the line number of each; problems reported in
    line order once the file is read."""
    problems: list[BadRow] = []
    with no_cyclic_gc():
        columns, lines = _read(path, problems.append)
    for problem in sorted(problems, key=lambda p: p.line):
        report(problem)
    return columns, lines


def _read(path: Path, report: Callable[[BadRow], None]) -> tuple[dict[str, list[str]], list[int]]:
    raw = path.read_bytes()
    try:
        text, strict = raw.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        # Undecodable bytes become lone surrogates, found per row below.
        text, strict = raw.decode("utf-8-sig", errors="surrogateescape"), False
    del raw
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the file is empty: a header row with an id column is needed") from None
    names = [h.strip().lower() for h in header]
    if "id" not in names:
        raise InputError("the header has no id column")
    width = len(names)
    id_at = names.index("id")
    rows: list[list[str]] = []
    lines: list[int] = []
    seen: set[str] = set()
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if len(row) != width:
            if row and any(v.strip() for v in row):
                report(BadRow(start, f"{len(row)} values where the header has {width}"))
            continue
        if not strict and _SURROGATE.search("".join(row)):
            report(BadRow(start, "not valid UTF-8"))
            continue
        record_id = row[id_at] = row[id_at].strip()
        if not record_id:
            if any(v.strip() for v in row):
                report(BadRow(start, "no id"))
            continue
        if record_id in seen:
            report(BadRow(start, f"id {record_id!r} appears on an earlier line"))
            continue
        seen.add(record_id)
        rows.append(row)
        lines.append(start)
    del seen
    # Values keep their surrounding spaces: every normaliser ignores them.
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    del rows
    columns: dict[str, list[str]] = {
        name: list(transposed[names.index(name)]) if name in names else [""] * len(lines)
        for name in INPUT_COLUMNS
    }
    del transposed
    _report_dates(columns["date_of_birth"], lines, report)
    return columns, lines


def _report_dates(dates: list[str], lines: list[int], report: Callable[[BadRow], None]) -> None:
    unreadable = {d for d in dict.fromkeys(dates) if d.strip() and not parse_date(d).year}
    if not unreadable:
        return
    for value, line in zip(dates, lines, strict=True):
        if value in unreadable:
            report(
                BadRow(line, f"date of birth {value.strip()!r} not understood, taken as missing")
            )


_SURROGATE = re.compile("[\udc80-\udcff]")


def dedup_csv(
    input_path: str | Path,
    out_path: str | Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    explain_path: str | Path | None = None,
    progress: bool = False,
    errors: TextIO | io.TextIOBase | None = None,
) -> DedupSummary:
    """Cluster the records of ``input_path`` into ``out_path`` (see the module docstring)."""
    errors = errors or sys.stderr
    problems: list[BadRow] = []

    def report(problem: BadRow) -> None:
        problems.append(problem)
        errors.write(f"line {problem.line}: {problem.message}\n")

    columns, _ = read_columns(Path(input_path), report)
    bar = _bar(progress, len(columns["id"]))
    encoded = encode_columns(columns)

    def advance(stage: str, done: int) -> None:
        if bar is not None:
            bar.set_postfix_str(stage)
            bar.update(1)

    result = deduplicate(encoded, threshold=threshold, progress=advance)
    clusters = result.clusters
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "cluster_id"])
        writer.writerows(zip(encoded.ids, clusters.tolist(), strict=True))
    explained = 0
    if explain_path is not None:
        explained = _write_explain(Path(explain_path), result)
    if bar is not None:
        bar.set_postfix_str("written")
        bar.update(1)
        bar.close()
    n_clusters = int(clusters.max()) + 1 if len(clusters) else 0
    return DedupSummary(len(encoded), n_clusters, explained, problems)


def _bar(progress: bool, records: int):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=6, desc=f"dedup {records} records", unit="step", file=sys.stderr)


def _write_explain(path: Path, result) -> int:
    p = result.probability
    chosen = (p >= EXPLAIN_MIN_PROBABILITY).nonzero()[0]
    chosen = chosen[(-p[chosen]).argsort(kind="stable")]
    ids = result.data.ids
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        header = ["left_id", "right_id", "probability", "same_cluster"]
        for f in FIELDS:
            header += [f"{f.name}_level", f"{f.name}_weight"]
        writer.writerow(header)
        for k in chosen.tolist():
            a, b = int(result.left[k]), int(result.right[k])
            row = [ids[a], ids[b], f"{p[k]:.6f}", int(result.clusters[a] == result.clusters[b])]
            for f, level, weight in zip(
                FIELDS, result.levels[k], result.field_weights[k], strict=True
            ):
                row += [f.levels[int(level)], f"{weight:.3f}"]
            writer.writerow(row)
    return len(chosen)
