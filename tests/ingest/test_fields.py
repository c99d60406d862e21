"""Fields: what a bad value costs (on_error), empty parts, value maps, templates with any column name, pick."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest

from linkgraph.errors import InvalidMapping
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.dry_run import dry_run
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.ingest.transform import Rejection, RowOutput, RowTransformer
from linkgraph.store.base import Store

PERSON = """
source: t
reader: {{format: csv, delimiter: ";", date_order: {order}}}
{top}
entities:
  person:
    type: Person
    id: pid
    properties:
{props}
{entities}
{more}
"""


def mapping_of(tmp_path: Path, props: str, top: str = "", more: str = "", order: str = "dmy", entities: str = ""):
    """A one-person mapping: ``props`` of the person, more ``entities`` (YAML), then ``more`` at top level."""
    path = tmp_path / "m.yaml"
    path.write_text(PERSON.format(top=top, props=textwrap.indent(textwrap.dedent(props).strip(), " " * 6),
                                  entities=textwrap.indent(textwrap.dedent(entities).strip(), "  "),
                                  more=textwrap.dedent(more), order=order))
    return load_mapping(str(path))


def transform(mapping, record: dict) -> RowOutput | Rejection | None:
    return RowTransformer(mapping, mapping.tables[0]).transform(record)


def person(out: RowOutput | Rejection | None) -> dict:
    assert isinstance(out, RowOutput), out
    [node] = [n for n in out.nodes if n.label == "Person"]
    return node.props


# -- on_error ---------------------------------------------------------------------------------------
def test_a_bad_value_is_kept_raw_by_default_and_noted_with_the_action(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date}\nname: {column: name, normalise: name}")
    out = transform(mapping, {"pid": "1", "dob": "/1990", "name": "Ana Peña"})
    props = person(out)
    assert props["birth_date_raw"] == "/1990" and "birth_date" not in props
    assert props["name"] == "Ana Peña"
    assert out.notes == [("dob", "not a date: '/1990'", "keep_raw: stored as birth_date_raw")]


def test_drop_field_stores_the_row_without_the_value(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, on_error: drop_field}")
    out = transform(mapping, {"pid": "1", "dob": "31/02/1990"})
    assert "birth_date" not in person(out) and "birth_date_raw" not in person(out)
    assert out.notes[0][2] == "drop_field: birth_date not stored"


def test_reject_row_per_field_and_as_the_mapping_wide_default(tmp_path: Path) -> None:
    per_field = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, on_error: reject_row}")
    assert isinstance(transform(per_field, {"pid": "1", "dob": "x"}), Rejection)
    mapping_wide = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date}\n"
                                        "sex: {column: sex, normalise: sex, on_error: keep_raw}", top="on_error: reject_row")
    assert isinstance(transform(mapping_wide, {"pid": "1", "dob": "x", "sex": "M"}), Rejection)
    kept = transform(mapping_wide, {"pid": "1", "dob": "1990", "sex": "??"})
    assert person(kept)["sex_raw"] == "??"


def test_a_required_property_rejects_its_row_unless_told_otherwise(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, required: true}")
    assert isinstance(transform(mapping, {"pid": "1", "dob": "x"}), Rejection)


def test_a_field_that_identifies_an_entity_always_rejects_the_row(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="identifies an entity rejects the row"):
        mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
          phone: {type: Phone, key: {column: tel, normalise: phone, on_error: keep_raw}}
        """)
    with pytest.raises(InvalidMapping, match="only for an optional: true or foreach entity"):
        mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
          phone: {type: Phone, key: {column: tel, normalise: phone, on_error: drop_field}}
        """)
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
      phone: {type: Phone, key: {column: tel, normalise: phone, options: {region: FR}}}
    """)
    assert isinstance(transform(mapping, {"pid": "1", "name": "A", "tel": "07 00"}), Rejection)


def test_an_optional_entity_with_a_bad_key_can_be_dropped_and_the_witness_kept(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
      phone:
        type: Phone
        optional: true
        key: {column: tel, normalise: phone, options: {region: FR}, on_error: drop_field}
    """, more="""
    relationships:
      - {type: USES, from: person, to: phone}
    """)
    out = transform(mapping, {"pid": "w1", "name": "Jean Martin", "tel": "07 00"})
    assert person(out)["name"] == "Jean Martin"
    assert out.rels == [] and [n.label for n in out.nodes] == ["Person"]
    assert out.notes[0][0] == "tel" and out.notes[0][2].startswith("drop_field: no Phone phone")


def test_an_unknown_on_error_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match=r"on_error must be one of .*did you mean 'keep_raw'"):
        mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, on_error: keepraw}")


def test_the_pipeline_writes_a_rejects_line_for_each_kept_or_dropped_value(store: Store, tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date}\n"
                                   "nationality: {column: nat, normalise: country, on_error: drop_field}")
    data = tmp_path / "p.csv"
    data.write_text("pid;dob;nat\n1;/1990;FRA\n2;1990;Atlantis\n;;\n3;31/02/1990;ESP\n")
    summary = ingest_files(store, [data], mapping, rejects_path=tmp_path / "r.csv")
    rows = store.read("MATCH (p:Person) RETURN p.source_id, p.birth_date, p.birth_date_raw, p.nationality "
                      "ORDER BY p.source_id").rows
    assert rows == [["1", None, "/1990", "France"], ["2", "1990", None, None], ["3", None, "31/02/1990", "Spain"]]
    assert (summary.rows_read, summary.rows_rejected, summary.values_quarantined, summary.rows_blank) == (4, 0, 3, 1)
    lines = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    assert [(r["line"], r["field"], r["action"].split(":")[0]) for r in lines] == [
        ("2", "dob", "keep_raw"), ("3", "nat", "drop_field"), ("5", "dob", "keep_raw")]
    assert "there is no 31st of February in 1990" in lines[2]["reason"]


# -- empty parts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("given", "surname", "key", "display"), [
    ("", "Smith", "smith", "Smith"), ("Ana", "", "ana", "Ana"), ("Ana", "Smith", "ana smith", "Ana Smith")])
def test_an_empty_part_of_a_name_never_drops_the_other(tmp_path: Path, given: str, surname: str, key: str, display: str) -> None:
    mapping = mapping_of(tmp_path, "name: {column: given, normalise: name_parts, options: {surname: {column: surname}}}")
    props = person(transform(mapping, {"pid": "1", "given": given, "surname": surname}))
    assert (props["name"], props.get("name_key", props["name"].lower())) == (display, key)


def test_a_name_with_both_parts_empty_is_absent(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: given, normalise: name_parts, options: {surname: {column: surname}}}")
    assert "name" not in person(transform(mapping, {"pid": "1", "given": " ", "surname": ""}))


# every normaliser that takes a second input: the value, then each input in turn, empty
MULTI = [
    ("document", "{doc_type: {column: b}, country: {column: c}}", {"a": "X1234567", "b": "passport", "c": "ES"}),
    ("place", "{country: {column: c}}", {"a": "Tripoli", "c": "LY"}),
    ("phone", "{region: {column: c}}", {"a": "+34 612 345 678", "c": "ES"}),
    ("account", "{bank: {column: b}}", {"a": "DE89 3704 0044 0532 0130 00", "b": "BANK1"}),
    ("date", "{keep_possible: true}", {"a": "1990-02-03"}),
]


@pytest.mark.parametrize(("normaliser", "options", "record"), MULTI, ids=[m[0] for m in MULTI])
def test_every_multi_input_normaliser_with_each_input_empty_in_turn(tmp_path: Path, normaliser: str, options: str,
                                                                    record: dict) -> None:
    mapping = mapping_of(tmp_path, f"value: {{column: a, normalise: {normaliser}, options: {options}, on_error: reject_row}}")
    full = person(transform(mapping, {"pid": "1", **record}))
    assert full.get("value"), full
    for column in record:
        out = transform(mapping, {"pid": "1", **record, column: ""})
        props = person(out)
        if column == "a":  # the value itself: nothing to store, and nothing else lost
            assert "value" not in props and props["source_id"] == "1"
        else:  # a qualifier: the value is still stored
            assert props.get("value"), (column, props)


def test_a_property_template_leaves_out_an_empty_part_with_its_separator(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, 'address: {template: "{number} {street}, {town}"}', entities="""
      offence: {type: Offence, id: {template: "{case}/{kind}"}}
    """)
    assert person(transform(mapping, {"pid": "1", "number": "", "street": "Rue X", "town": "Lyon", "case": "c", "kind": "k"}))["address"] == "Rue X, Lyon"
    assert person(transform(mapping, {"pid": "1", "number": "4", "street": "Rue X", "town": "", "case": "c", "kind": "k"}))["address"] == "4 Rue X"
    # a key template needs every part: no half-made keys
    out = transform(mapping, {"pid": "1", "number": "4", "street": "", "town": "", "case": "c", "kind": ""})
    assert isinstance(out, Rejection) and "missing required value for offence" in out.reason


# -- dates and blank rows ---------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["dmy", "ymd"])
def test_31_february_says_there_is_no_31st_of_february(tmp_path: Path, order: str) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, on_error: reject_row}", order=order)
    out = transform(mapping, {"pid": "1", "dob": "31/02/1990"})
    assert isinstance(out, Rejection) and "there is no 31st of February in 1990" in out.reason
    assert "two-digit" not in out.reason


def test_a_year_last_date_in_a_year_first_source_says_so(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "birth_date: {column: dob, normalise: date, on_error: reject_row}", order="ymd")
    out = transform(mapping, {"pid": "1", "dob": "03/02/1990"})
    assert isinstance(out, Rejection) and "date_order: ymd" in out.reason


def test_mapping_check_counts_rows_of_only_separators_as_blank(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}")
    sample = tmp_path / "s.csv"
    sample.write_text("pid;name\n1;Ana\n;;\n;\n2;Bea\n")
    report = dry_run(sample, mapping)
    assert (report.rows, report.blank, report.entities, len(report.rejected)) == (4, 2, 2, 0)


# -- value maps -------------------------------------------------------------------------------------
ROLE_MAP = """
    offence: {type: Offence, id: {template: "{case}/o"}}
"""
ROLE_REL = """
relationships:
  - type: INVOLVED_IN
    from: person
    to: offence
    properties:
      role: {column: ruolo, map: {indagato: suspect, vittima: victim, Testimone: witness}, normalise: role}
"""


def test_a_value_map_ignores_case_and_accents_and_feeds_the_normaliser(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", entities=ROLE_MAP, more=ROLE_REL)
    roles = []
    for word in ("INDAGATO", "Vittima", "testimone", "Vìttima"):
        out = transform(mapping, {"pid": "1", "name": "A", "case": "c", "ruolo": word})
        roles.append(out.rels[0].props["role"])
    assert roles == ["suspect", "victim", "witness", "victim"]


def test_a_word_the_map_does_not_hold_is_named_and_rejects_an_identifying_property(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", entities=ROLE_MAP, more=ROLE_REL)
    out = transform(mapping, {"pid": "1", "name": "A", "case": "c", "ruolo": "complice"})
    assert isinstance(out, Rejection)
    assert "'complice' is not in the value map" in out.reason and "suspect" in out.reason


def test_a_value_map_default_takes_the_words_it_does_not_hold(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "status: {column: s, map: {aperto: open, chiuso: closed}, default: unknown}")
    assert person(transform(mapping, {"pid": "1", "s": "Chiuso"}))["status"] == "closed"
    assert person(transform(mapping, {"pid": "1", "s": "sospeso"}))["status"] == "unknown"


def test_mapping_check_reports_the_words_a_map_does_not_hold(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "status: {column: s, map: {aperto: open}}")
    sample = tmp_path / "s.csv"
    sample.write_text("pid;s\n1;aperto\n2;sospeso\n")
    report = dry_run(sample, mapping)
    assert report.quarantined == [("3", "s", "'sospeso' is not in the value map of this field (it maps to: open)",
                                   "keep_raw: stored as status_raw")]


def test_a_map_default_without_a_map_and_a_clashing_map_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="give map: too"):
        mapping_of(tmp_path, "status: {column: s, default: x}")
    with pytest.raises(InvalidMapping, match="same word as another entry"):
        mapping_of(tmp_path, "status: {column: s, map: {Aperto: open, aperto: closed}}")


@pytest.mark.parametrize(("word", "role"), [
    ("indagato", "suspect"), ("Persona offesa", "victim"), ("testimone", "witness"),  # it
    ("Ύποπτος", "suspect"), ("θύμα", "victim"), ("μάρτυρας", "witness"),  # el
    ("akkużat", "suspect"), ("vittma", "victim"), ("xhud", "witness"),  # mt
    ("verdachte", "suspect"), ("slachtoffer", "victim"), ("getuige", "witness"),  # nl
    ("Tatverdächtige", "suspect"), ("Geschädigte", "victim"), ("témoin", "witness")])  # de, fr
def test_the_shipped_role_vocabulary_reads_the_generators_languages(word: str, role: str) -> None:
    from linkgraph.ingest.normalise import normalise_role

    assert normalise_role(word).key == role


@pytest.mark.parametrize(("word", "sex"), [("femmina", "F"), ("Uomo", "M"), ("Θήλυ", "F"), ("άρρεν", "M"),
                                           ("mara", "F"), ("raġel", "M"), ("vrouw", "F"), ("mannelijk", "M"),
                                           ("weiblich", "F"), ("homme", "M"), ("Mujer", "F")])
def test_the_shipped_sex_vocabulary_reads_the_generators_languages(word: str, sex: str) -> None:
    from linkgraph.ingest.normalise import normalise_sex

    assert normalise_sex(word).key == sex


# -- any column name, pick, ref properties, where, relationship keys --------------------------------
def test_templates_take_any_column_name_and_literal_braces(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, 'label: {template: "{{{Date of birth}}} {a.b}"}', entities="""
      phone: {type: Phone, key: {template: "+34{:ID}", normalise: phone}}
    """)
    out = transform(mapping, {"pid": "1", ":ID": "612345678", "Date of birth": "1990", "a.b": "x"})
    assert person(out)["label"] == "{1990} x"
    assert [n.key for n in out.nodes if n.label == "Phone"] == ["+34612345678"]


@pytest.mark.parametrize(("template", "message"), [("{case", "is not closed"), ("a}", "a lone '}'"),
                                                   ("{}", "empty column name")])
def test_a_template_that_cannot_be_read_is_refused_before_any_row(tmp_path: Path, template: str, message: str) -> None:
    with pytest.raises(InvalidMapping, match=message):
        mapping_of(tmp_path, f'label: {{template: "{template}"}}')


def test_pick_takes_the_first_last_or_a_fixed_element_of_a_list_or_a_split_value(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, """
      first_alias: {column: aliases, pick: first}
      last_alias: {column: aliases, pick: last}
      locality: {column: address, split: ",", pick: 2}
      country: {column: address, split: ",", pick: -1, normalise: country}
    """)
    props = person(transform(mapping, {"pid": "1", "aliases": ["", "Abu X", "El Y"], "address": "Rue 1, Lyon, France"}))
    assert (props["first_alias"], props["last_alias"], props["locality"], props["country_key"]) == ("Abu X", "El Y", "Lyon", "FRA")
    assert "locality" not in person(transform(mapping, {"pid": "1", "aliases": [], "address": "nowhere"}))


def test_pick_must_be_first_last_or_a_position_and_split_needs_pick(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="pick is first, last or a position"):
        mapping_of(tmp_path, "a: {column: x, pick: middle}")
    with pytest.raises(InvalidMapping, match="split: in a field needs pick"):
        mapping_of(tmp_path, "a: {column: x, split: ','}")


def test_a_ref_entity_with_properties_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="a ref: names an entity another table defines"):
        mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
          other: {type: Person, ref: other_id, properties: {name: other_name}}
        """)


def test_where_keeps_only_the_rows_of_its_kind(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", top="where: {column: kind, in: [node, person]}")
    sample = tmp_path / "s.csv"
    sample.write_text("kind;pid;name\nnode;1;Ana\nedge;1;2\nperson;2;Bea\n")
    report = dry_run(sample, mapping)
    assert (report.rows, report.filtered, report.entities, len(report.rejected)) == (3, 1, 2, 0)
    with pytest.raises(InvalidMapping, match="where needs exactly one of"):
        mapping_of(tmp_path, "name: {column: name, normalise: name}", top="where: {column: kind}")


def test_a_relationship_key_from_the_source_keeps_two_same_day_calls_apart(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}", entities="""
      other: {type: Person, id: other}
    """, more="""
    relationships:
      - type: CONTACTED
        from: person
        to: other
        key: call_id
        properties: {date: {column: day, normalise: date}, duration: secs}
    """)
    calls = [transform(mapping, {"pid": "1", "name": "A", "other": "2", "call_id": cid, "day": "01/02/2024", "secs": s})
             for cid, s in (("c1", "30"), ("c2", "95"))]
    keys = [out.rels[0].key for out in calls]
    assert keys[0] != keys[1] and all(k.startswith(("c1|", "c2|")) for k in keys)
    assert [out.rels[0].props["duration"] for out in calls] == ["30", "95"]


def test_skip_lines_and_comment_leave_out_titles_and_comment_lines_keeping_line_numbers(tmp_path: Path) -> None:
    mapping = mapping_of(tmp_path, "name: {column: name, normalise: name}")
    mapping.tables[0].reader.update({"skip_lines": 2, "comment": "#"})
    sample = tmp_path / "s.csv"
    sample.write_text("Export of 2024-02-01\nsecond title line\n# header follows\npid;name\n1;Ana\n# a note\n;\n2;31/02\n")
    report = dry_run(sample, mapping)
    assert (report.rows, report.blank, report.entities) == (3, 1, 2)
    assert report.quarantined[0][0] == "8"  # the name '31/02' of line 8 has no letter: kept raw


def test_skip_lines_and_comment_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="skip_lines is a number of lines"):
        load_mapping(str(_write(tmp_path, 'source: t\nreader: {format: csv, skip_lines: two}\nentities: {p: {type: Person, id: pid}}\n')))
    with pytest.raises(InvalidMapping, match="for csv and tsv files"):
        load_mapping(str(_write(tmp_path, 'source: t\nreader: {format: ndjson, comment: "#"}\nentities: {p: {type: Person, id: pid}}\n')))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "raw.yaml"
    path.write_text(text)
    return path
