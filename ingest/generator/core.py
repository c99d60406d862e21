"""``generate``: plan the cases, plant the links, stream the files, write the ground truth."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from ingest.generator.people import PersonRecord, Trip, render
from ingest.generator.plan import (
    SUSPECT_ROLES, CasePlan, Planner, plan_cases, plant_bad_rows, plant_networks,
)
from ingest.generator.planting import plant_identities, plant_lookalikes, plant_shared_identifiers
from ingest.generator.world import CITIES, SCENARIOS, SYSTEMS
from ingest.generator.writers import BadRow, EsCsvWriter, NdjsonWriter, XlsxWriter

PERSONS_PER_CASE = 12
MULTI_RECORD_SHARE = 0.12  # share of person records that belong to a multi-record identity
_ID_PREFIX = {"es-cnp": "CNP", "it-cms": "ITP", "gr-cms": "GRP", "mt-cms": "MTP",
              "fr-records": "FRP", "de-records": "DEP", "nl-records": "NLP"}


@dataclass(frozen=True)
class GenerationSummary:
    """What ``generate`` wrote.

    files:      every file written, relative to the output directory (data, truth, manifest)
    rows:       data rows per data file (CSV rows, NDJSON lines, XLSX rows over all sheets)
    cases, persons: cases and person records written (planted bad rows included)
    identities: distinct real persons in ``truth/identities.csv``
    multi_record_persons: person records that belong to an identity with more than one record
    planted_links: rows in ``truth/case_links.csv``; ``links_by_kind`` splits them by kind
    lookalike_pairs, bad_rows: rows in ``truth/lookalikes.csv`` and ``truth/bad_rows.csv``
    """

    out_dir: Path
    files: tuple[str, ...]
    rows: dict[str, int]
    cases: int
    persons: int
    identities: int
    multi_record_persons: int
    planted_links: int
    links_by_kind: dict[str, int] = field(default_factory=dict)
    lookalike_pairs: int = 0
    bad_rows: int = 0


def generate(out_dir: Path, cases: int, persons: int | None = None, seed: int = 1) -> GenerationSummary:
    """Write a seeded, multi-country set of case files with ground truth into ``out_dir``.

    Parameters
    ----------
    out_dir : directory to write into (created; existing files of the same names are replaced)
    cases : number of cases, spread over the Spanish CSV, the NDJSON and the XLSX systems
    persons : total person records over all files (default 12 per case); at least ``cases``
    seed : the same seed gives byte-identical files

    Returns
    -------
    GenerationSummary

    Raises
    ------
    ValueError
        ``cases`` < 1 or ``persons`` < ``cases``.

    Examples
    --------
    >>> summary = generate(Path("/tmp/demo"), cases=50)  # doctest: +SKIP
    >>> summary.persons
    600
    """
    if cases < 1:
        raise ValueError("cases must be at least 1")
    persons = PERSONS_PER_CASE * cases if persons is None else persons
    if persons < cases:
        raise ValueError(f"persons ({persons}) must be at least cases ({cases}): every case has a person")
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)

    planner = Planner(seed)
    plan_cases(planner, cases, persons)
    plant_identities(planner, round(MULTI_RECORD_SHARE * persons / 2.5))
    plant_lookalikes(planner, max(1, round(persons * 0.004)))
    plant_shared_identifiers(planner, max(1, round(persons * 0.001)), max(1, round(persons * 0.001)))
    plant_networks(planner)
    plant_bad_rows(planner)

    serials = {source: 0 for source in _ID_PREFIX}

    def new_id(source: str) -> str:
        serials[source] += 1
        return f"{_ID_PREFIX[source]}{serials[source]:07d}"

    writers = {}
    for system in SYSTEMS:
        if not any(c.system is system for c in planner.cases):
            continue
        if system.shape == "csv":
            writers[system.source] = EsCsvWriter(out_dir, system, planner.rng)
        elif system.shape == "ndjson":
            writers[system.source] = NdjsonWriter(out_dir, system, planner.rng)
        else:
            writers[system.source] = XlsxWriter(out_dir, system, planner.rng, lambda s=system.source: new_id(s))

    bad: list[BadRow] = []
    planted_ids = planner.identities_made  # identities made so far are the planted ones
    planted_sizes: dict[str, int] = {}
    singletons = written = 0
    with open(out_dir / "truth/identities.csv", "w", encoding="utf-8", newline="") as fh:
        truth = csv.writer(fh, lineterminator="\n")
        truth.writerow(("identity_id", "source", "record_id"))
        for case in planner.cases:
            source = case.system.source
            records = build_records(planner, case)
            for record in records:
                if record.bad != "missing_id":
                    record.record_id = new_id(source)
                    truth.writerow((record.identity_id, source, record.record_id))
                    if int(record.identity_id[1:]) <= planted_ids:
                        planted_sizes[record.identity_id] = planted_sizes.get(record.identity_id, 0) + 1
                    else:
                        singletons += 1
            writers[source].write_case(case, records, bad)
            written += len(records)
            case.planted = []  # the planted identities are not needed any more
    manifest = [w.close() for w in writers.values()]

    refs = [c.ref for c in planner.cases]
    link_rows = sorted({(refs[l.case_a], refs[l.case_b], l.kind, l.detail) for l in planner.links})
    _write_csv(out_dir / "truth/case_links.csv", ("case_a", "case_b", "kind", "detail"), link_rows)
    bad.sort(key=lambda row: row[0])  # grouped by file, in file order within each (stable sort)
    _write_csv(out_dir / "truth/bad_rows.csv", ("file", "line_or_record", "field", "problem"), bad)
    _write_csv(out_dir / "truth/lookalikes.csv", ("identity_a", "identity_b"), planner.lookalikes)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    by_kind: dict[str, int] = {}
    for row in link_rows:
        by_kind[row[2]] = by_kind.get(row[2], 0) + 1
    files = [e["file"] for e in manifest] + ["manifest.json", "truth/identities.csv", "truth/case_links.csv",
                                             "truth/bad_rows.csv", "truth/lookalikes.csv"]
    return GenerationSummary(
        out_dir=out_dir, files=tuple(files), rows={e["file"]: e["rows"] for e in manifest}, cases=cases,
        persons=written, identities=len(planted_sizes) + singletons,
        multi_record_persons=sum(n for n in planted_sizes.values() if n > 1), planted_links=len(link_rows),
        links_by_kind=by_kind, lookalike_pairs=len(planner.lookalikes), bad_rows=len(bad),
    )


def build_records(planner: Planner, case: CasePlan) -> list[PersonRecord]:
    """The person records of ``case``: its planted appearances, then ordinary persons up to its size."""
    rng = planner.rng
    records = []
    for identity, appearance in case.planted:
        documents = [identity.passport] if appearance.passport else []
        if appearance.extra_document is not None:
            documents.append(appearance.extra_document)
        if identity.id_card is not None and rng.random() < 0.5:
            documents.append(identity.id_card)
        phones = [identity.phone] if appearance.phone else []
        if appearance.extra_phone is not None:
            phones.append(appearance.extra_phone)
        record = render(rng, identity, appearance.role, appearance.ops, documents=documents, phones=phones)
        record.trip = _trip(planner, case, record)
        records.append(record)
    planted_roles = {r.role for r in records}
    for role in _fresh_roles(planner, case, case.size - len(records), planted_roles):
        identity = planner.person(case, role)
        precision = "day"
        if role in ("victim", "witness"):
            precision = rng.choices(("day", "month", "year"), (0.62, 0.1, 0.28))[0]
        elif rng.random() < 0.03:
            precision = "year"
        documents = []
        if identity.passport is not None and rng.random() < 0.85:
            documents.append(identity.passport)
        if identity.id_card is not None and rng.random() < 0.5:
            documents.append(identity.id_card)
        phones = [identity.phone] if identity.phone is not None else []
        record = render(rng, identity, role, precision=precision, documents=documents, phones=phones)
        record.trip = _trip(planner, case, record)
        records.append(record)
    fresh = records[len(case.planted):]
    for record, kind in zip(fresh, [k for k in case.bad if k != "dangling"]):
        record.bad = kind
    return records


def _fresh_roles(planner: Planner, case: CasePlan, count: int, planted: set[str]) -> list[str]:
    """Roles for the ordinary persons: a victim and a suspect first where the case has none yet."""
    roles = SCENARIOS[case.offence].roles
    out = []
    if "victim" in roles and "victim" not in planted and count >= 2:
        out.append("victim")
    if not planted & set(SUSPECT_ROLES) and len(out) < count:
        out.append("suspect")
    names, weights = list(roles), list(roles.values())
    while len(out) < count:
        out.append(planner.rng.choices(names, weights)[0])
    return out


def _trip(planner: Planner, case: CasePlan, record: PersonRecord) -> Trip | None:
    """The journey of a person of ``case``: victims always, others sometimes, everyone in a planted network."""
    rng = planner.rng
    if case.path is None or case.destination is None or case.travel is None:
        return None
    if not (record.role == "victim" or case.network or rng.random() < 0.3):
        return None
    nationality = record.nationality
    if nationality in case.path.origins and nationality in CITIES:
        origin = (rng.choice(CITIES[nationality]), nationality)
    else:
        origin = (case.origin_city, case.origin)
    when = case.travel + timedelta(days=rng.randrange(-7, 8))
    return origin, case.path.transit, case.destination, when


def _write_csv(path: Path, header: tuple[str, ...], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
