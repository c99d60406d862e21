"""Mappings are checked before any row is read, and every problem is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkgraph.ingest.mapping import check_columns, load_mapping
from linkgraph.errors import InvalidMapping

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    return path


def test_the_fixture_mapping_loads_with_its_entities() -> None:
    mapping = load_mapping(str(FIXTURES / "persons.yaml"))
    table = mapping.tables[0]
    assert mapping.source == "es-test"
    assert set(table.entities) == {"case", "person", "offence", "passport", "phone", "transit"}
    assert [r.type for r in table.relationships] == ["HOLDS", "USES", "INVOLVED_IN", "PART_OF"]


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, """source: x
reader: {format: csv}
entities:
  person:
    type: Persn
    id: pid
  phone:
    type: Phone
    key: {column: tel, normalise: phon}
relationships:
  - {type: USES, from: person, to: phone}
""")
    with pytest.raises(InvalidMapping) as caught:
        load_mapping(str(path))
    message = str(caught.value)
    assert f"{path}:5: entity 'person': unknown type 'Persn' (did you mean 'Person'?)" in message
    assert f"{path}:9: unknown normaliser 'phon' (did you mean 'phone'?)" in message
    assert "2 problems" in message or "3 problems" in message


def test_an_unknown_field_key_is_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, """source: x
reader: {format: csv}
entities:
  person:
    type: Person
    id: pid
    properties:
      name: {colum: full_name}
""")
    with pytest.raises(InvalidMapping, match=r"m.yaml:8: unknown field key 'colum' \(did you mean 'column'\?\)"):
        load_mapping(str(path))


def test_an_option_the_normaliser_does_not_take_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, """source: x
reader: {format: csv}
entities:
  phone:
    type: Phone
    key: {column: tel, normalise: phone, options: {regon: ES}}
""")
    with pytest.raises(InvalidMapping, match=r"m.yaml:6: normaliser 'phone' has no option 'regon' \(did you mean 'region'\?\)"):
        load_mapping(str(path))


def test_a_strong_identifier_cannot_use_a_source_id(tmp_path: Path) -> None:
    path = write(tmp_path, """source: x
reader: {format: csv}
entities:
  passport:
    type: Document
    id: passport_no
""")
    with pytest.raises(InvalidMapping, match="use key:, not id:"):
        load_mapping(str(path))


def test_a_relationship_to_an_undefined_entity_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, """source: x
reader: {format: csv}
entities:
  person: {type: Person, id: pid}
relationships:
  - {type: HOLDS, from: person, to: pasport}
""")
    with pytest.raises(InvalidMapping, match=r"m.yaml:6: HOLDS to: no entity named 'pasport'"):
        load_mapping(str(path))


def test_a_column_missing_from_the_file_is_named_with_a_suggestion() -> None:
    mapping = load_mapping(str(FIXTURES / "persons.yaml"))
    header = ["case_ref", "person_id", "fullname", "birth_date", "nationality", "role", "passport_no",
              "passport_country", "phone", "offence_type", "route_transit"]
    with pytest.raises(InvalidMapping, match=r"persons.yaml:\d+: column 'full_name' is not in x.csv \(did you mean 'fullname'\?\)"):
        check_columns(mapping, mapping.tables[0], header, Path("x.csv"))


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "source: x\nreader: {format: csv\nentities: {}\n")
    with pytest.raises(InvalidMapping, match=r"m.yaml:\d+: not valid YAML"):
        load_mapping(str(path))


def test_an_unknown_mapping_name_lists_the_shipped_ones() -> None:
    with pytest.raises(InvalidMapping, match="no mapping file 'nope'"):
        load_mapping("nope")
