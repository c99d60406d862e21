"""Resolution reads the person properties the data model flags, not names written in its own code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from linkgraph.errors import InvalidModel
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.model import ENV_MODEL_EXT, load_model
from linkgraph.resolve.model_columns import person_column_sources
from linkgraph.resolve.person_frame import PERSON_COLUMNS, prepare_person_frame
from linkgraph.resolve.service import load_person_frame
from linkgraph.store.base import Store

MAPPING = """\
source: regions
reader: {format: csv, delimiter: ",", date_order: ymd, name_order: given_first}
record_id: rid
entities:
  person:
    type: Person
    id: rid
    properties:
      name: {column: given, normalise: name_parts, options: {surname: {column: surname}}}
      birth_date: {column: born, normalise: date}
      PLACE
"""
ROWS = "rid,given,surname,born,place\n1,Omar,Haddadi,1980-01-02,Murcia\n2,Omar,Haddadi,1980-01-02,\n"


def ingest(store: Store, tmp_path: Path, place: str) -> dict[str, dict]:
    """Ingest two persons whose ``place`` column the mapping writes as ``place`` (a property line)."""
    (tmp_path / "people.csv").write_text(ROWS, encoding="utf-8")
    (tmp_path / "m.yaml").write_text(MAPPING.replace("PLACE", place), encoding="utf-8")
    ingest_files(store, [tmp_path / "people.csv"], load_mapping(str(tmp_path / "m.yaml")),
                 rejects_path=tmp_path / "rejects.csv", user="test", reader_process=False)
    frame = load_person_frame(store)
    return {row["ref"]: row for row in frame.to_dict("records")}


@pytest.fixture
def extension(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "ext.yaml"
    monkeypatch.setenv(ENV_MODEL_EXT, str(path))
    yield path


def test_a_state_written_by_a_mapping_reaches_the_region_column(store, tmp_path):
    people = ingest(store, tmp_path, "state: {column: place, normalise: text}")
    assert people["regions:1"]["region"] == "Murcia"
    assert people["regions:1"]["given_key"] == "omar" and people["regions:1"]["birth_year"] == 1980
    assert pd.isna(people["regions:2"]["region"])


def test_places_are_compared_in_their_lookup_form():
    frame = pd.DataFrame([{"ref": "a", "region": "Región de MURCIA", "locality": " Alcantarilla ", "postcode": "30-820"}])
    prepared = prepare_person_frame(frame.reindex(columns=list(PERSON_COLUMNS))).to_pylist()[0]
    assert (prepared["region"], prepared["locality"], prepared["postcode"]) == ("region de murcia", "alcantarilla", "30 820")


def test_a_property_added_by_a_model_extension_feeds_the_column_it_names(store, tmp_path, extension):
    extension.write_text("entities:\n  Person:\n    properties:\n"
                         "      district: {type: text, resolution: region}\n", encoding="utf-8")
    people = ingest(store, tmp_path, "district: {column: place, normalise: text}")
    assert people["regions:1"]["region"] == "Murcia"


def test_an_unflagged_property_is_not_compared(tmp_path, extension):
    extension.write_text("entities:\n  Person:\n    properties:\n"
                         "      district: {type: text}\n", encoding="utf-8")
    sources = person_column_sources(load_model())
    assert sources["region"] == ["coalesce(p.state_key, p.state)"]
    assert not any("district" in expression for feeding in sources.values() for expression in feeding)


def test_each_flagged_type_feeds_its_columns_in_the_shipped_model():
    sources = person_column_sources(load_model())
    assert sources["given_key"] == ["p.name_given_key"] and sources["birth_year"] == ["toString(p.birth_date_year)"]
    assert sources["nationality"] == ["p.nationality_key"] and sources["sex"] == ["p.sex"]
    assert sources["address_key"] == ["coalesce(p.address_key, p.address)"]
    assert sources["region"] == ["coalesce(p.state_key, p.state)"]


@pytest.mark.parametrize(("line", "message"), [
    ("district: {type: text, resolution: true}", "Person.district: a text property compared by resolution names"),
    ("district: {type: text, resolution: county}", "not 'county'"),
    ("nickname: {type: name, resolution: region}", "Person.nickname: a name property is compared by its type"),
    ("height: {type: number, resolution: true}", "resolution cannot compare a number property"),
])
def test_a_flag_resolution_cannot_follow_is_refused_naming_the_property(extension, line, message):
    extension.write_text(f"entities:\n  Person:\n    properties:\n      {line}\n", encoding="utf-8")
    with pytest.raises(InvalidModel, match=message):
        person_column_sources(load_model())


def test_a_resolution_flag_that_is_not_a_column_name_is_refused_by_the_model(extension):
    extension.write_text("entities:\n  Person:\n    properties:\n"
                         "      district: {type: text, resolution: [region]}\n", encoding="utf-8")
    with pytest.raises(InvalidModel, match="district: resolution must be true, false or the name"):
        load_model()


def test_the_shipped_febrl_mapping_writes_the_state_the_region_comparison_reads():
    person = load_mapping("febrl").tables[0].entities["person"]
    assert "state" in person.properties and "region" not in person.properties
    assert person_column_sources(load_model())["region"] == ["coalesce(p.state_key, p.state)"]
