"""``generate``: plan the cases, plant the links, stream the files, write the ground truth."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from linkgraph.scenarios.people import PersonRecord, Trip, render
from linkgraph.scenarios.plan import SUSPECT_ROLES, CasePlan, Planner, plan_cases
from linkgraph.scenarios.planting import (
    plant_bad_rows, plant_identities, plant_lookalikes, plant_networks, plant_shared_identifiers,
)
from linkgraph.scenarios.world import CITIES, SCENARIOS, SYSTEMS
from linkgraph.scenarios.writers import BadRow, EsCsvWriter, NdjsonWriter, XlsxWriter
from linkgraph.scenarios.watchlists import WATCHLIST_FILES, WatchlistPlanter
from linkgraph.errors import UsageError

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


def generate(out_dir: Path, cases: int, persons: int | None = None, seed: int = 1,
             watchlists: bool = False) -> GenerationSummary:
    """Write a seeded, multi-country set of case files with ground truth into ``out_dir``.

    Parameters
    ----------
    out_dir : directory to write into (created; existing files of the same names are replaced)
    cases : number of cases, spread over the Spanish CSV, the NDJSON and the XLSX systems
    persons : total person records over all files (default 12 per case); at least ``cases``
    seed : the same seed gives byte-identical files
    watchlists : also write a lost and stolen documents list and a wanted persons list drawn from the
        scenario, with decoys, and their truth (``scenarios.watchlists``); the case files are the same

    Returns
    -------
    GenerationSummary

    Raises
    ------
    UsageError
        ``cases`` < 1 or ``persons`` < ``cases``.

    Examples
    --------
    >>> summary = generate(Path("/tmp/demo"), cases=50)  # doctest: +SKIP
    >>> summary.persons
    600
    """
    if cases < 1:
        raise UsageError(f"cases must be at least 1, not {cases}")
    persons = PERSONS_PER_CASE * cases if persons is None else persons
    if persons < cases:
        raise UsageError(f"persons ({persons}) must be at least cases ({cases}): every case has a person")
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    planner = _plan(seed, cases, persons)
    ids = _RecordIds()
    writers = _open_writers(out_dir, planner, ids)
    planter = WatchlistPlanter(seed, persons) if watchlists else None
    tally = _write_cases(out_dir, planner, writers, ids, planter)
    if planter is not None:
        planter.write(out_dir)
    manifest = [w.close() for w in writers.values()]
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    link_rows = _write_truth(out_dir, planner, tally.bad)
    by_kind: dict[str, int] = {}
    for row in link_rows:
        by_kind[row[2]] = by_kind.get(row[2], 0) + 1
    files = [e["file"] for e in manifest] + ["manifest.json", *TRUTH_FILES, *(WATCHLIST_FILES if watchlists else ())]
    return GenerationSummary(
        out_dir=out_dir, files=tuple(files), rows={e["file"]: e["rows"] for e in manifest}, cases=cases,
        persons=tally.written, identities=len(tally.planted_sizes) + tally.singletons,
        multi_record_persons=sum(n for n in tally.planted_sizes.values() if n > 1), planted_links=len(link_rows),
        links_by_kind=by_kind, lookalike_pairs=len(planner.lookalikes), bad_rows=len(tally.bad),
    )


TRUTH_FILES = ("truth/identities.csv", "truth/case_links.csv", "truth/bad_rows.csv", "truth/lookalikes.csv")


def _plan(seed: int, cases: int, persons: int) -> Planner:
    """Plan the cases and plant every link, in a fixed order (the order is part of the seed's meaning)."""
    planner = Planner(seed)
    plan_cases(planner, cases, persons)
    plant_identities(planner, round(MULTI_RECORD_SHARE * persons / 2.5))
    plant_lookalikes(planner, max(1, round(persons * 0.004)))
    plant_shared_identifiers(planner, max(1, round(persons * 0.001)), max(1, round(persons * 0.001)))
    plant_networks(planner)
    plant_bad_rows(planner)
    return planner


class _RecordIds:
    """Person ids as each source writes them (``CNP0000001``, ``ITP0000001``...), unique per source."""

    def __init__(self) -> None:
        self._serials = {source: 0 for source in _ID_PREFIX}

    def new(self, source: str) -> str:
        self._serials[source] += 1
        return f"{_ID_PREFIX[source]}{self._serials[source]:07d}"


Writer = EsCsvWriter | NdjsonWriter | XlsxWriter


def _open_writers(out_dir: Path, planner: Planner, ids: _RecordIds) -> dict[str, Writer]:
    """One writer per system that owns at least one case, in ``SYSTEMS`` order."""
    owners = {c.system.source for c in planner.cases}
    writers: dict[str, Writer] = {}
    for system in SYSTEMS:
        if system.source not in owners:
            continue
        if system.shape == "csv":
            writers[system.source] = EsCsvWriter(out_dir, system, planner.rng)
        elif system.shape == "ndjson":
            writers[system.source] = NdjsonWriter(out_dir, system, planner.rng)
        else:
            writers[system.source] = XlsxWriter(out_dir, system, planner.rng, lambda s=system.source: ids.new(s))
    return writers


@dataclass
class _Tally:
    bad: list[BadRow] = field(default_factory=list)
    planted_sizes: dict[str, int] = field(default_factory=dict)
    singletons: int = 0
    written: int = 0


def _write_cases(out_dir: Path, planner: Planner, writers: dict[str, Writer], ids: _RecordIds,
                 planter: WatchlistPlanter | None = None) -> _Tally:
    """Stream every case to its file and every record to ``truth/identities.csv``."""
    tally = _Tally()
    planted_last = planner.identities_made  # identities made so far are the planted ones
    with open(out_dir / "truth/identities.csv", "w", encoding="utf-8", newline="") as fh:
        truth = csv.writer(fh, lineterminator="\n")
        truth.writerow(("identity_id", "source", "record_id"))
        for case in planner.cases:
            source = case.system.source
            records = build_records(planner, case)
            for record in records:
                if record.bad == "missing_id":
                    continue
                record.record_id = ids.new(source)
                if planter is not None:
                    planter.see(case.ref, record)
                truth.writerow((record.identity_id, source, record.record_id))
                if int(record.identity_id[1:]) <= planted_last:
                    tally.planted_sizes[record.identity_id] = tally.planted_sizes.get(record.identity_id, 0) + 1
                else:
                    tally.singletons += 1
            writers[source].write_case(case, records, tally.bad)
            tally.written += len(records)
            case.planted = []  # written: the planted identities are not needed any more
    return tally


def _write_truth(out_dir: Path, planner: Planner, bad: list[BadRow]) -> list[tuple[str, str, str, str]]:
    """Write case links, bad rows and look-alikes; return the case-link rows."""
    refs = [c.ref for c in planner.cases]
    link_rows = sorted({(refs[link.case_a], refs[link.case_b], link.kind, link.detail) for link in planner.links})
    _write_csv(out_dir / "truth/case_links.csv", ("case_a", "case_b", "kind", "detail"), link_rows)
    bad.sort(key=lambda row: row[0])  # grouped by file, in file order within each (the sort is stable)
    _write_csv(out_dir / "truth/bad_rows.csv", ("file", "line_or_record", "field", "problem"), bad)
    _write_csv(out_dir / "truth/lookalikes.csv", ("identity_a", "identity_b"), planner.lookalikes)
    return link_rows


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
    if "victim" in roles and "victim" not in planted and (count >= 2 or (case.network and count == 1)):
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
