"""Typed properties of the model checked against mappings, and a service's model extension."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from linkgraph.errors import InvalidMapping, InvalidModel
from linkgraph.ingest.mapping import load_mapping
from linkgraph.model import load_model


def write(tmp_path: Path, properties: str, extra: str = "", name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"""source: t
reader: {{format: csv}}
entities:
  person:
    type: Person
    id: pid
    properties:
      {properties}
{extra}""")
    return path


@pytest.mark.parametrize(("prop", "message"), [
    ("dob: {column: dob, normalise: date}", "Person has no property 'dob': the model calls it 'birth_date'"),
    ("birth_dat: {column: dob, normalise: date}", "no property 'birth_dat' (did you mean 'birth_date'?"),
    ("birth_date: {column: dob, normalise: text}", "Person.birth_date is a date: give it normalise: date, not text"),
    ("birth_date: dob", "Person.birth_date is a date: give it normalise: date"),
    ("sex: {value: maybe}", "Person.sex is a sex: not a recognised sex"),
])
def test_a_mapping_is_checked_against_the_typed_properties_of_the_model(tmp_path: Path, prop: str, message: str) -> None:
    with pytest.raises(InvalidMapping) as caught:
        load_mapping(str(write(tmp_path, prop)))
    assert message in str(caught.value) and "m.yaml:8:" in str(caught.value)


def test_an_untyped_extra_property_far_from_any_declared_one_is_stored_as_written(tmp_path: Path) -> None:
    mapping = load_mapping(str(write(tmp_path, "tattoo: {column: marks}")))
    assert "tattoo" in mapping.tables[0].entities["person"].properties


def test_relationship_properties_are_typed_too(tmp_path: Path) -> None:
    extra = """  offence: {type: Offence, id: oid}
relationships:
  - {type: INVOLVED_IN, from: person, to: offence, properties: {role: {value: accomplice}}}
"""
    with pytest.raises(InvalidMapping, match="INVOLVED_IN.role is a role: not a recognised role"):
        load_mapping(str(write(tmp_path, "name: {column: n, normalise: name}", extra)))


def test_the_model_says_which_person_properties_resolution_compares() -> None:
    person = load_model().entity("Person")
    compared = {name for name, prop in person.properties.items() if prop.resolution}
    assert {"name", "birth_date", "sex", "nationality", "postcode", "locality"} <= compared
    assert "name" in person.searchable


EXTENSION = """
entities:
  Weapon:
    identity: strong
    caption: serial
    searchable: [serial]
    properties: {calibre: {type: text, aliases: [caliber]}}
  Person:
    properties:
      alias: {type: name, searchable: true}
relationships:
  CARRIES: {from: [Person], to: [Weapon]}
"""


@pytest.fixture
def extension(tmp_path: Path) -> Path:
    path = tmp_path / "ext.yaml"
    path.write_text(EXTENSION)
    os.environ["LINKGRAPH_MODEL_EXT"] = str(path)
    yield path
    del os.environ["LINKGRAPH_MODEL_EXT"]


def test_a_model_extension_adds_labels_relationships_and_properties(tmp_path: Path, extension: Path) -> None:
    model = load_model()
    assert "Weapon" in model.entities and model.relationship("CARRIES").targets == ("Weapon",)
    assert model.entity("Person").properties["alias"].type == "name"
    assert "birth_date" in model.entity("Person").properties
    rest = """  gun: {type: Weapon, key: serial, properties: {%s: cal}}
relationships:
  - {type: CARRIES, from: person, to: gun}
"""
    with pytest.raises(InvalidMapping, match="Weapon has no property 'caliber': the model calls it 'calibre'"):
        load_mapping(str(write(tmp_path, "alias: {column: a, normalise: name}", rest % "caliber")))
    mapping = load_mapping(str(write(tmp_path, "alias: {column: a, normalise: name}", rest % "calibre")))
    assert mapping.tables[0].relationships[0].type == "CARRIES"


@pytest.mark.parametrize(("text", "message"), [
    ("entities: {Person: {identity: strong}}", "Person is in the shipped model; an extension may only add properties"),
    ("entities: {Person: {properties: {name: {type: text}}}}", "Person.name is in the shipped model already"),
    ("entities: {weapon: {identity: strong}}", "'weapon' is not a valid label"),
    ("relationships: {CARRIES: {from: [Person], to: [Gun]}}", "unknown label 'Gun'"),
    ("labels: {}", "unknown key 'labels'"),
    ("entities: {Gun: {identity: strong, properties: {calibre: {type: calibre}}}}", "type must be one of"),
])
def test_a_bad_model_extension_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(text)
    os.environ["LINKGRAPH_MODEL_EXT"] = str(path)
    try:
        with pytest.raises(InvalidModel, match=message):
            load_model()
    finally:
        del os.environ["LINKGRAPH_MODEL_EXT"]


def test_the_cli_takes_the_extension_from_the_store_directory_or_model_ext(python: str, tmp_path: Path) -> None:
    mapping = write(tmp_path, "name: {column: n, normalise: name}", """  gun: {type: Weapon, key: serial}
relationships:
  - {type: CARRIES, from: person, to: gun}
""")
    env = {k: v for k, v in os.environ.items() if k != "LINKGRAPH_MODEL_EXT"}
    run = lambda *args: subprocess.run([python, "-m", "linkgraph", *args], capture_output=True, text=True, env=env)
    refused = run("mapping", "check", str(mapping))
    assert refused.returncode == 2 and "unknown type 'Weapon'" in refused.stderr
    (tmp_path / "ext.yaml").write_text(EXTENSION)
    assert run("--model-ext", str(tmp_path / "ext.yaml"), "mapping", "check", str(mapping)).returncode == 0
    store = tmp_path / "store"
    store.mkdir()
    (store / "model-ext.yaml").write_text(EXTENSION)
    assert run("--store", str(store), "mapping", "check", str(mapping)).returncode == 0
