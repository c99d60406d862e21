"""The three file shapes, written one case at a time (streamed; nothing held beyond the current case).

- ``EsCsvWriter``: Spanish flat export, ``;``-separated, cp1252, ``dd/mm/yyyy``, one row per person-in-case.
- ``NdjsonWriter``: case-management export, one JSON object per case per line, UTF-8.
- ``XlsxWriter``: relational records export, five sheets, openpyxl write-only mode, fixed zip timestamps
  so the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter
from unidecode import unidecode

from linkgraph.scenarios.identifiers import Document, email_address, write_document, write_phone
from linkgraph.scenarios.people import PersonRecord
from linkgraph.scenarios.plan import SUSPECT_ROLES, CasePlan
from linkgraph.scenarios.world import System, alpha2, country_name

BadRow = tuple[str, str, str, str]  # file, line_or_record, field, problem
PROBLEMS = {
    "date": "impossible date",
    "phone": "invalid phone number",
    "missing_id": "missing person id",
    "dangling": "person_id not defined in persons",
}

CSV_COLUMNS = (
    "case_ref", "case_country", "offence_type", "offence_date", "offence_place", "offence_country", "person_id",
    "full_name", "sex", "birth_date", "nationality", "role", "passport_no", "passport_country", "phone", "email",
    "route_origin", "route_transit", "route_destination", "route_origin_country", "route_destination_country",
    "travel_date", "case_opened", "id_card_no", "id_card_country",
)
XLSX_SHEETS = {
    "cases": ("case_ref", "country", "opened", "offence_type"),
    "persons": ("person_id", "surname", "given_names", "birth_date", "nationality", "sex"),
    "documents": ("doc_id", "person_id", "doc_type", "number", "issuing_country"),
    "phones": ("person_id", "number"),
    "case_persons": ("case_ref", "person_id", "role"),
}


def _cp1252(text: str) -> str:
    """``text`` with every character cp1252 cannot hold transliterated (ć -> c, ș -> s), as such an export does."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        out = []
        for ch in text:
            try:
                ch.encode("cp1252")
                out.append(ch)
            except UnicodeEncodeError:
                out.append(unidecode(ch))
        return "".join(out)


def _doc(record: PersonRecord, doc_type: str) -> Document | None:
    return next((d for d in record.documents if d.doc_type == doc_type), None)


class EsCsvWriter:
    """``es/cases_es.csv``: the Spanish national police flat export."""

    mapping, fmt = "es-cnp-csv", "csv"

    def __init__(self, root: Path, system: System, rng: random.Random) -> None:
        self.system, self.rng = system, rng
        self.file = "es/cases_es.csv"
        (root / "es").mkdir(parents=True, exist_ok=True)
        self._fh = open(root / self.file, "w", encoding="cp1252", newline="")
        self._csv = csv.writer(self._fh, delimiter=";", lineterminator="\r\n")
        self._csv.writerow(CSV_COLUMNS)
        self.line, self.rows, self.persons, self._emails = 1, 0, 0, 0

    def write_case(self, case: CasePlan, records: list[PersonRecord], bad: list[BadRow]) -> None:
        """Write one row per person of ``case``; planted defects go to ``bad`` with their line."""
        rng, home = self.rng, alpha2(self.system.country)
        place, place_country = case.offence_place
        head = (case.ref, self.system.country, case.offence, _dmy(case.offence_date), place, place_country)
        for record in records:
            self.line += 1
            passport, id_card = _doc(record, "passport"), _doc(record, "id_card")
            phone = write_phone(rng, record.phones[0], home) if record.phones else ""
            email = ""
            if rng.random() < (0.4 if record.role in SUSPECT_ROLES else 0.12):
                self._emails += 1
                email = email_address(record.given, record.family, self._emails)
            birth = _partial_dmy(record)
            if record.bad == "date":
                birth = "31/02/1985"
            elif record.bad == "phone":
                phone = "12"
            route = ("", "", "", "", "", "")
            if record.trip is not None:
                (origin, origin_c), transit, (dest, dest_c), when = record.trip
                route = (origin, "|".join(city for city, _ in transit), dest, origin_c, dest_c, _dmy(when))
            full_name = f"{record.family.upper()} {record.given}".strip()
            row = (
                *head, record.record_id, full_name, "Hombre" if record.sex == "M" else "Mujer", birth, record.nationality,
                record.role, write_document(rng, passport.number, vary=0.3) if passport else "",
                passport.country if passport else "", phone, email, *route, _dmy(case.opened),
                write_document(rng, id_card.number, vary=0.2) if id_card else "", id_card.country if id_card else "",
            )
            self._csv.writerow([_cp1252(str(v)) for v in row])
            self.rows += 1
            self.persons += 1
            if record.bad:
                field = {"date": "birth_date", "phone": "phone", "missing_id": "person_id"}[record.bad]
                bad.append((self.file, str(self.line), field, PROBLEMS[record.bad]))

    def close(self) -> dict:
        """Close the file; return its manifest entry."""
        self._fh.close()
        return _entry(self, encoding="cp1252")


class NdjsonWriter:
    """``ndjson/cases_<cc>.ndjson``: a case-management export, one case per line."""

    mapping, fmt = "case-ndjson", "ndjson"

    def __init__(self, root: Path, system: System, rng: random.Random) -> None:
        self.system, self.rng = system, rng
        cc = alpha2(system.country).lower()
        self.file = f"ndjson/cases_{cc}.ndjson"
        (root / "ndjson").mkdir(parents=True, exist_ok=True)
        self._fh = open(root / self.file, "w", encoding="utf-8", newline="\n")
        self.line, self.rows, self.persons = 0, 0, 0

    def write_case(self, case: CasePlan, records: list[PersonRecord], bad: list[BadRow]) -> None:
        """Write ``case`` as one JSON line; planted defects go to ``bad`` with the line and the field path."""
        rng = self.rng
        self.line += 1
        place, place_country = case.offence_place
        offences = [{"id": f"{case.ref}-O1", "type": case.offence, "date": case.offence_date.isoformat(),
                     "place": place, "country": alpha2(place_country)}]
        if case.extra_offence:
            offences.append({"id": f"{case.ref}-O2", "type": case.extra_offence,
                             "date": case.offence_date.isoformat(), "place": place, "country": alpha2(place_country)})
        doc = {
            "case": {
                "reference": case.ref, "country": alpha2(self.system.country), "agency": rng.choice(self.system.agencies),
                "opened": case.opened.isoformat(),
                "status": rng.choices(("open", "under_investigation", "closed"), (0.3, 0.5, 0.2))[0],
                "handling_code": rng.choices(("H0", "H1", "H2", "H3"), (0.1, 0.4, 0.35, 0.15))[0],
                "offences": offences,
            },
            "suspects": [], "victims": [], "witnesses": [],
        }
        for record in records:
            group = {"victim": "victims", "witness": "witnesses"}.get(record.role, "suspects")
            person = self._person(record)
            position = f"{group}[{len(doc[group])}]"
            doc[group].append(person)
            if record.bad:
                field = {"date": "birth_date", "phone": "phones[0]", "missing_id": "id"}[record.bad]
                bad.append((self.file, str(self.line), f"{position}.{field}", PROBLEMS[record.bad]))
        self._fh.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.rows += 1
        self.persons += len(records)

    def _person(self, record: PersonRecord) -> dict:
        rng, home = self.rng, alpha2(self.system.country)
        person: dict = {} if record.bad == "missing_id" else {"id": record.record_id}
        person["name"] = {"given": record.given, "family": record.family}
        person["birth_date"] = "1985-02-31" if record.bad == "date" else _partial_iso(record)
        person["sex"] = "male" if record.sex == "M" else "female"
        person["nationality"] = (alpha2(record.nationality) if rng.random() < 0.75
                                 else country_name(record.nationality))
        person["documents"] = [{"type": d.doc_type, "number": write_document(rng, d.number, vary=0.3),
                                "country": alpha2(d.country)} for d in record.documents]
        person["phones"] = ["12"] if record.bad == "phone" else [write_phone(rng, p, home) for p in record.phones]
        if record.trip is not None:
            (origin, origin_c), transit, (dest, dest_c), when = record.trip
            person["route"] = {
                "origin": {"city": origin, "country": alpha2(origin_c)},
                "transit": [{"city": city, "country": alpha2(c)} for city, c in transit],
                "destination": {"city": dest, "country": alpha2(dest_c)},
                "date": when.isoformat(),
            }
        if record.role in SUSPECT_ROLES:
            person["role"] = record.role
        return person

    def close(self) -> dict:
        """Close the file; return its manifest entry."""
        self._fh.close()
        return _entry(self, encoding="utf-8")


class XlsxWriter:
    """``xlsx/cases_<cc>.xlsx``: a relational records-system export in five sheets."""

    mapping, fmt = "records-xlsx", "xlsx"

    def __init__(self, root: Path, system: System, rng: random.Random, new_id: Callable[[], str]) -> None:
        self.system, self.rng, self._new_id = system, rng, new_id
        cc = alpha2(system.country).lower()
        self.file = f"xlsx/cases_{cc}.xlsx"
        self._path = root / self.file
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._wb = Workbook(write_only=True)
        self._sheets = {name: self._wb.create_sheet(name) for name in XLSX_SHEETS}
        self.sheet_rows = {name: 0 for name in XLSX_SHEETS}
        for name, header in XLSX_SHEETS.items():
            self._sheets[name].append(header)
        self.rows, self.persons, self._docs = 0, 0, 0

    def _append(self, sheet: str, row: tuple) -> int:
        self._sheets[sheet].append(row)
        self.sheet_rows[sheet] += 1
        self.rows += 1
        return self.sheet_rows[sheet] + 1  # 1-based sheet row, header included

    def write_case(self, case: CasePlan, records: list[PersonRecord], bad: list[BadRow]) -> None:
        """Write ``case`` across the sheets; planted defects go to ``bad`` as ``sheet:row``."""
        rng = self.rng
        self._append("cases", (case.ref, self.system.country, case.opened, case.offence))
        for record in records:
            self.persons += 1
            if record.bad == "missing_id":
                row = self._append("persons", (None, record.family, record.given, _xlsx_birth(record),
                                               record.nationality, record.sex))
                bad.append((self.file, f"persons:{row}", "person_id", PROBLEMS["missing_id"]))
                continue
            birth = "31/02/1985" if record.bad == "date" else _xlsx_birth(record)
            row = self._append("persons", (record.record_id, record.family, record.given, birth,
                                           record.nationality, record.sex))
            if record.bad == "date":
                bad.append((self.file, f"persons:{row}", "birth_date", PROBLEMS["date"]))
            for document in record.documents:
                self._docs += 1
                self._append("documents", (f"D{self._docs:07d}", record.record_id, document.doc_type,
                                           write_document(rng, document.number, vary=0.3), document.country))
            if record.bad == "phone":
                row = self._append("phones", (record.record_id, "12"))
                bad.append((self.file, f"phones:{row}", "number", PROBLEMS["phone"]))
            for phone in record.phones:
                self._append("phones", (record.record_id, write_phone(rng, phone, alpha2(self.system.country))))
            self._append("case_persons", (case.ref, record.record_id, record.role))
        for kind in case.bad:
            if kind == "dangling":
                row = self._append("case_persons", (case.ref, self._new_id(), "witness"))
                bad.append((self.file, f"case_persons:{row}", "person_id", PROBLEMS["dangling"]))

    def close(self) -> dict:
        """Save the workbook with fixed timestamps; return its manifest entry."""
        fixed = dt.datetime(2025, 1, 1)
        self._wb.properties.created = self._wb.properties.modified = fixed
        self._wb.properties.creator = "linkgraph generator"
        with _FixedTimeZip(self._path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(self._wb, archive).save()
        entry = _entry(self, encoding=None)
        entry["sheets"] = dict(self.sheet_rows)
        return entry


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry the same timestamp, so equal content gives equal bytes."""

    _STAMP = (2025, 1, 1, 0, 0, 0)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._STAMP)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: D102
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: D102
        info = self._info(arcname or str(filename))
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _entry(writer: EsCsvWriter | NdjsonWriter | XlsxWriter, *, encoding: str | None) -> dict:
    """The manifest entry of a written file (``rows``: data rows; ``persons``: person records)."""
    entry = {"file": writer.file, "mapping": writer.mapping, "case": None, "country": writer.system.country,
             "format": writer.fmt, "rows": writer.rows, "source": writer.system.source, "persons": writer.persons}
    if encoding:
        entry["encoding"] = encoding
    return entry


def _dmy(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _partial_dmy(record: PersonRecord) -> str:
    if record.precision == "year":
        return str(record.birth.year)
    if record.precision == "month":
        return record.birth.strftime("%m/%Y")
    return _dmy(record.birth)


def _partial_iso(record: PersonRecord) -> str:
    if record.precision == "year":
        return str(record.birth.year)
    if record.precision == "month":
        return record.birth.strftime("%Y-%m")
    return record.birth.isoformat()


def _xlsx_birth(record: PersonRecord) -> dt.date | str:
    return record.birth if record.precision == "day" else str(record.birth.year)
