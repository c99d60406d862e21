"""The case-file generator: reproducible files in three shapes, with ground truth that holds."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import phonenumbers
import pytest
from unidecode import unidecode

from linkgraph.scenarios import GenerationSummary, generate
from linkgraph.errors import UsageError

CSV_HEADER = (
    "case_ref;case_country;offence_type;offence_date;offence_place;offence_country;person_id;full_name;sex;"
    "birth_date;nationality;role;passport_no;passport_country;phone;email;route_origin;route_transit;"
    "route_destination;route_origin_country;route_destination_country;travel_date"
)
REGION = {"ESP": "ES", "ITA": "IT", "GRC": "GR", "MLT": "MT", "FRA": "FR", "DEU": "DE", "NLD": "NL"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("gen")
    return out, generate(out, cases=150, persons=1800, seed=7)


@pytest.fixture(scope="module")
def records(generated) -> list[dict]:
    """Every person record of every file: source, record id, case, birth date, phones, location."""
    out, _ = generated
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found: list[dict] = []
    for entry in manifest:
        path, source, region = out / entry["file"], entry["source"], REGION[entry["country"]]
        if entry["format"] == "csv":
            with open(path, encoding="cp1252", newline="") as fh:
                for line, row in enumerate(csv.DictReader(fh, delimiter=";"), start=2):
                    found.append({"file": entry["file"], "at": str(line), "source": source, "id": row["person_id"],
                                  "case": row["case_ref"], "birth": row["birth_date"], "name": row["full_name"],
                                  "phones": [row["phone"]] if row["phone"] else [], "region": region,
                                  "docs": {row["passport_no"], row["id_card_no"]} - {""},
                                  "transit": set(row["route_transit"].split("|")) - {""}})
        elif entry["format"] == "ndjson":
            with open(path, encoding="utf-8") as fh:
                for line, text in enumerate(fh, start=1):
                    doc = json.loads(text)
                    for group in ("suspects", "victims", "witnesses"):
                        for p in doc[group]:
                            found.append({"file": entry["file"], "at": str(line), "source": source,
                                          "id": p.get("id", ""), "case": doc["case"]["reference"],
                                          "birth": p["birth_date"], "phones": p["phones"], "region": region,
                                          "name": f"{p['name']['given']} {p['name']['family']}",
                                          "docs": {d["number"] for d in p["documents"]},
                                          "transit": {t["city"] for t in p.get("route", {}).get("transit", [])}})
        else:
            wb = openpyxl.load_workbook(path, read_only=True)
            sheets = {ws.title: list(ws.iter_rows(values_only=True))[1:] for ws in wb.worksheets}
            case_of = {r[1]: r[0] for r in sheets["case_persons"]}
            phones, docs = defaultdict(list), defaultdict(set)
            for person_id, number in sheets["phones"]:
                phones[person_id].append(number)
            for _doc_id, person_id, _type, number, _country in sheets["documents"]:
                docs[person_id].add(number)
            for row_no, (pid, surname, given, birth, _nat, _sex) in enumerate(sheets["persons"], start=2):
                found.append({"file": entry["file"], "at": f"persons:{row_no}", "source": source, "id": pid or "",
                              "case": case_of.get(pid), "birth": birth, "phones": phones.get(pid, []),
                              "region": region, "name": f"{given} {surname}", "docs": docs.get(pid, set()),
                              "transit": set()})
    return found


@pytest.fixture(scope="module")
def identities(generated) -> dict[tuple[str, str], str]:
    out, _ = generated
    with open(out / "truth/identities.csv", encoding="utf-8", newline="") as fh:
        return {(r["source"], r["record_id"]): r["identity_id"] for r in csv.DictReader(fh)}


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    generate(tmp_path / "a", cases=40, seed=3)
    generate(tmp_path / "b", cases=40, seed=3)
    generate(tmp_path / "c", cases=40, seed=4)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a")["es/cases_es.csv"] != _digest(tmp_path / "c")["es/cases_es.csv"]


def test_persons_total_is_what_was_asked(generated, records) -> None:
    _, summary = generated
    assert summary.persons == 1800 == len(records)


def test_fewer_persons_than_cases_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="persons"):
        generate(tmp_path, cases=10, persons=5)


def test_manifest_lists_every_data_file_written(generated) -> None:
    out, summary = generated
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    written = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    data_files = {f for f in written if f != "manifest.json" and not f.startswith("truth/")}
    assert {e["file"] for e in manifest} == data_files
    assert set(summary.files) == written
    assert {e["mapping"] for e in manifest} == {"es-cnp-csv", "case-ndjson", "records-xlsx"}
    assert all(e["case"] is None for e in manifest)


def test_spanish_csv_is_cp1252_and_semicolon_separated(generated) -> None:
    out, _ = generated
    raw = (out / "es/cases_es.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # accented names are single cp1252 bytes, not UTF-8
    text = raw.decode("cp1252")
    assert text.splitlines()[0].startswith(CSV_HEADER)
    assert any(ch in text for ch in "ÑÁÉÍÓÚ")  # surnames in capitals keep their accents: NÚÑEZ, PEÑA
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert {len(row) for row in rows} == {len(rows[0])}


def test_every_person_record_has_an_identity_and_ids_are_unique_per_source(records, identities) -> None:
    with_id = [(r["source"], r["id"]) for r in records if r["id"]]
    assert len(with_id) == len(set(with_id))
    assert set(with_id) == set(identities)


def test_multi_record_identities_span_at_least_two_cases(records, identities) -> None:
    cases_of: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for r in records:
        if r["id"]:
            identity = identities[(r["source"], r["id"])]
            cases_of[identity].add(r["case"])
            counts[identity] += 1
    multi = [i for i, n in counts.items() if n > 1]
    assert multi
    assert all(len(cases_of[i]) >= 2 for i in multi)
    share = sum(counts[i] for i in multi) / len(records)
    assert 0.10 <= share <= 0.15


def test_some_person_is_registered_twice_in_one_source(records, identities) -> None:
    per_source = defaultdict(int)
    for r in records:
        if r["id"]:
            per_source[(identities[(r["source"], r["id"])], r["source"])] += 1
    assert any(n > 1 for n in per_source.values())


def test_some_name_is_in_original_script_in_one_source_and_latin_in_another(records, identities) -> None:
    scripts_of: dict[str, set[bool]] = defaultdict(set)
    for r in records:
        if r["id"]:
            scripts_of[identities[(r["source"], r["id"])]].add(not r["name"].isascii() and not any(
                "a" <= ch.lower() <= "z" for ch in r["name"]))
    assert any(s == {True, False} for s in scripts_of.values())


def test_lookalikes_share_a_name_but_not_birth_date_or_identifiers(generated, records, identities) -> None:
    out, _ = generated
    by_identity = {identities[(r["source"], r["id"])]: r for r in records if r["id"]}
    with open(out / "truth/lookalikes.csv", encoding="utf-8", newline="") as fh:
        pairs = [(row["identity_a"], row["identity_b"]) for row in csv.DictReader(fh)]
    assert pairs
    for a, b in pairs:
        ra, rb = by_identity[a], by_identity[b]
        assert ra["birth"] != rb["birth"]
        assert ra["source"] != rb["source"]
        assert not set(ra["phones"]) & set(rb["phones"])
        assert not ra["docs"] & rb["docs"]


def _phone_entries(out: Path) -> list[tuple[str, str, str, str]]:
    """Every phone written: (file, line or ``phones:row``, number, region of the file's country)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = []
    for entry in manifest:
        path, region = out / entry["file"], REGION[entry["country"]]
        if entry["format"] == "csv":
            with open(path, encoding="cp1252", newline="") as fh:
                for line, row in enumerate(csv.DictReader(fh, delimiter=";"), start=2):
                    if row["phone"]:
                        entries.append((entry["file"], str(line), row["phone"], region))
        elif entry["format"] == "ndjson":
            with open(path, encoding="utf-8") as fh:
                for line, text in enumerate(fh, start=1):
                    doc = json.loads(text)
                    for group in ("suspects", "victims", "witnesses"):
                        for person in doc[group]:
                            entries += [(entry["file"], str(line), n, region) for n in person["phones"]]
        else:
            ws = openpyxl.load_workbook(path, read_only=True)["phones"]
            for row_no, (_pid, number) in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
                entries.append((entry["file"], f"phones:{row_no}", number, region))
    return entries


def test_phones_are_valid_except_the_planted_bad_ones(generated) -> None:
    out, _ = generated
    with open(out / "truth/bad_rows.csv", encoding="utf-8", newline="") as fh:
        bad_phones = {(b["file"], b["line_or_record"]) for b in csv.DictReader(fh) if "phone" in b["problem"]}
    invalid = set()
    for file, where, number, region in _phone_entries(out):
        try:
            ok = phonenumbers.is_valid_number(phonenumbers.parse(number, region))
        except phonenumbers.NumberParseException:
            ok = False
        if not ok:
            invalid.add((file, where))
    assert bad_phones
    assert invalid == bad_phones


def test_bad_rows_are_where_the_truth_says(generated, records) -> None:
    out, summary = generated
    with open(out / "truth/bad_rows.csv", encoding="utf-8", newline="") as fh:
        bad = list(csv.DictReader(fh))
    assert summary.bad_rows == len(bad)
    assert {b["problem"] for b in bad} >= {"impossible date", "invalid phone number", "missing person id",
                                           "person_id not defined in persons"}
    csv_lines = (out / "es/cases_es.csv").read_bytes().decode("cp1252").splitlines()
    for b in bad:
        if b["file"] == "es/cases_es.csv":
            row = csv_lines[int(b["line_or_record"]) - 1].split(";")
            value = row[CSV_HEADER.split(";").index(b["field"])]
            assert value in {"31/02/1985", "12", ""}
    missing = [r for r in records if not r["id"]]
    assert len(missing) == sum(b["problem"] == "missing person id" for b in bad)


def test_case_links_name_existing_cases_and_known_identities(generated, records, identities) -> None:
    out, summary = generated
    cases = {r["case"] for r in records}
    with open(out / "truth/case_links.csv", encoding="utf-8", newline="") as fh:
        links = list(csv.DictReader(fh))
    assert {l["kind"] for l in links} == {"same_person", "same_document", "same_phone", "shared_transit"}
    assert len(links) == summary.planted_links
    known = set(identities.values())
    for link in links:
        assert link["case_a"] in cases and link["case_b"] in cases and link["case_a"] != link["case_b"]
        if link["kind"] == "same_person":
            assert link["detail"] in known
        if link["kind"] == "same_phone":
            assert phonenumbers.is_valid_number(phonenumbers.parse(link["detail"]))


def _e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def test_planted_identifier_and_route_links_are_visible_in_both_cases(generated, records) -> None:
    out, _ = generated
    numbers, phones, cities = defaultdict(set), defaultdict(set), defaultdict(set)
    for r in records:
        numbers[r["case"]] |= {d.upper().replace(" ", "").replace("-", "") for d in r["docs"]}
        phones[r["case"]] |= {_e164(n, r["region"]) for n in r["phones"]}
        cities[r["case"]] |= {unidecode(city) for city in r["transit"]}  # the cp1252 file writes Przemysl
    with open(out / "truth/case_links.csv", encoding="utf-8", newline="") as fh:
        links = list(csv.DictReader(fh))
    for link in links:
        for case in (link["case_a"], link["case_b"]):
            if link["kind"] == "same_document":
                assert link["detail"].split("|")[2] in numbers[case]
            elif link["kind"] == "same_phone":
                assert link["detail"] in phones[case]
            elif link["kind"] == "shared_transit":
                assert unidecode(link["detail"]) in cities[case]
