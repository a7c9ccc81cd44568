"""Write a generated cross-script applicant set as CSV (input columns plus ``person_id``).

    python benchmarks/generate_applicants.py 100000 --seed 1 --out applicants-100k.csv

The generator lives in ``enlist.matching.synthetic`` so tests can use it too; this is its CLI.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from enlist.matching.synthetic import generate_applicants

COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "nationality",
    "passport_number",
    "email",
    "phone",
    "city",
    "person_id",
)


def write_applicants(path: Path, n: int, seed: int) -> None:
    columns = generate_applicants(n, seed)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(zip(*(columns[c] for c in COLUMNS), strict=True))
    tmp.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_applicants(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
