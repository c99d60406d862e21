"""Person matching on names as case files write them: scripts, order, respellings, unseen variants."""

from __future__ import annotations

from linkgraph.resolve.matching import DEFAULT_THRESHOLD, ResolutionModel
from person_records import background, model  # noqa: F401  (fixtures)
from person_records import pair as _pair
from person_records import person
from person_records import score as _score
from person_records import weight as _weight


def _levels(model: ResolutionModel, name: str) -> list[dict]:
    comparison = next(c for c in model.settings["comparisons"] if c["output_column_name"] == name)
    return [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]


def test_a_level_never_seen_among_matches_is_neutral_however_rare_the_name(model, background):
    # The background never records a name's words in another order. Left with its frequency
    # adjustment, that unseen level scored a rare name as m / tf: tens of bits for two strangers.
    level = next(level for level in _levels(model, "surname")
                 if level["label_for_charts"] == "same name words in another order")
    assert "tf_adjustment_column" not in level
    pairs = _score(
        model,
        background,
        person("es:1", "maria", "zubizarreta olabarrieta", 1990, 3, 14, sex="F"),
        person("es:2", "maria", "olabarrieta zubizarreta", 1971, 8, 2, sex="F"),
    )
    evidence = _pair(pairs, "es:1", "es:2")["evidence"]
    assert not any(s.startswith("surname: same name words in another order") and float(s.rsplit(", ", 1)[1]) > 1
                   for s in evidence)


def test_a_name_entered_in_arabic_script_matches_its_latin_spelling_on_its_consonants(model, background):
    # "ltrblsy" is how the key of الطرابلسي reads: no spelling or sound joins it to "el trabelsi".
    pairs = _score(
        model,
        background,
        person("es:1", "mohamed", "el trabelsi", 1984, 11, 11, sex="M", nationality="TUN"),
        person("it:2", "mhmd", "ltrblsy", 1984, 11, 11, sex="M", nationality="TUN"),
    )
    pair = _pair(pairs, "es:1", "it:2")
    assert _weight(pair, "surname: same consonants, one side written without vowels") > 0
    assert pair["probability"] >= DEFAULT_THRESHOLD


def test_names_swapped_with_a_middle_name_more_on_one_side_are_one_fact_of_the_surname(model, background):
    pairs = _score(
        model,
        background,
        person("ro:1", "florin constantin", "stoicanescu", 2000, 11, 27, sex="M"),
        person("es:2", "stoicanescu", "florin", 2000, 11, 27, sex="M"),
    )
    evidence = _pair(pairs, "ro:1", "es:2")["evidence"]
    assert _weight(_pair(pairs, "ro:1", "es:2"), "surname: given name and surname swapped, one spelt") > 0
    assert not any(s.startswith("given name:") for s in evidence)


def test_a_name_in_arabic_script_is_compared_with_its_latin_spelling_born_the_same_year(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "mohamed", "el trabelsi", 1984, sex="M", nationality="TUN"),
        person("it:2", "mhmd", "ltrblsy", 1984, 11, 11, sex="M", nationality="TUN"),
    )
    assert _weight(_pair(pairs, "es:1", "it:2"), "surname: same consonants") > 0


def test_a_misspelt_given_name_is_compared_when_one_side_has_no_date_of_birth(model, background):
    pairs = _score(
        model,
        background,
        person("au:1", "jacqueline", "pridmore", 1983, 7, 8, sex="F"),
        person("au:2", "jacqueine", "pridmore", sex="F"),
    )
    assert _pair(pairs, "au:1", "au:2")["probability"] > 0.5


def test_a_misspelt_common_surname_counts_less_than_a_misspelt_rare_one(model, background):
    # "okafr" comes as close to every Okafor in the store as to this one; "zarqawyan" to one name only.
    pairs = _score(
        model,
        background,
        person("es:1", "omar", "okafor", 1970, 1, 1, sex="M"),
        person("ng:2", "omar", "okafr", 1970, 1, 1, sex="M"),
        person("es:3", "omar", "zarqawiyan", 1970, 1, 1, sex="M"),
        person("ng:4", "omar", "zarqawyan", 1970, 1, 1, sex="M"),
    )
    common = _weight(_pair(pairs, "es:1", "ng:2"), "surname: nearly the same spelling")
    rare = _weight(_pair(pairs, "es:3", "ng:4"), "surname: nearly the same spelling")
    assert rare > common + 1


def test_names_swapped_are_not_counted_again_as_alike_given_names(model, background):
    pairs = _score(
        model,
        background,
        person("gr:1", "mahmoud ahmed", "mohamed", 1991, 11, 2, sex="M"),
        person("mt:2", "mohamed ahmed", "mahmoud", 1990, sex="M"),
    )
    evidence = _pair(pairs, "gr:1", "mt:2")["evidence"]
    assert any(s.startswith("surname: given name and surname swapped") for s in evidence)
    assert not any(s.startswith("given name:") for s in evidence)

