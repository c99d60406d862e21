"""The resolution model as data: comparisons, their levels, and the blocking rules.

Every comparison is a Splink comparison dict (DuckDB SQL over the prepared person columns, see
``person_frame.PREPARED_SCHEMA``). ``comparison_description`` is the analyst's name for the
comparison and each level's ``label_for_charts`` is the words the evidence sentence uses, so the
sentences travel with a saved model. Levels run from most to least alike; the first that holds wins.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from linkgraph.resolve.comparison_levels import ELSE_DIFFERENT as _ELSE_DIFFERENT
from linkgraph.resolve.comparison_levels import level as _level, null as _null
from linkgraph.resolve.name_comparisons import name_comparison as _name_comparison


_BOTH_FULL = "birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL"

DATE_OF_BIRTH: dict[str, Any] = {
    "output_column_name": "date_of_birth",
    "comparison_description": "date of birth",
    "comparison_levels": [
        _null("birth_year"),
        _level("birth_date_l = birth_date_r", "same full date"),
        # Partial dates agree as far as they go: their own levels, never scored as disagreement.
        _level(
            "birth_year_l = birth_year_r AND birth_month_l = birth_month_r"
            " AND (birth_day_l IS NULL OR birth_day_r IS NULL)",
            "same year and month, day not recorded",
        ),
        _level(
            "birth_year_l = birth_year_r AND (birth_month_l IS NULL OR birth_month_r IS NULL)",
            "same year, month not recorded",
        ),
        _level(
            f"{_BOTH_FULL} AND birth_year_l = birth_year_r"
            " AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
            "day and month swapped",
        ),
        # Dates are eight digits (YYYYMMDD): counting the digits that differ (``hamming``) is the typing
        # error, and is far cheaper than an edit distance over millions of pairs. Two neighbouring digits
        # swapped count as two. A typing error touches one or two digits; two different people's dates
        # rarely differ by two digits only.
        _level(f"{_BOTH_FULL} AND hamming(birth_date_l, birth_date_r) <= 1", "one digit different"),
        _level(f"{_BOTH_FULL} AND hamming(birth_date_l, birth_date_r) <= 2", "two digits different"),
        _level("birth_year_l = birth_year_r AND birth_month_l = birth_month_r", "same year and month"),
        _level("birth_year_l = birth_year_r", "same year only"),
        _level("abs(birth_year_l - birth_year_r) <= 1", "born within one year"),
        # A year given alone is often an estimate (victims, irregular migrants) or what was left of a
        # garbled date: another year on it says less against a match than two full dates that differ.
        _level(
            "birth_month_l IS NULL OR birth_month_r IS NULL",
            "year only on one side, a different year",
        ),
        _ELSE_DIFFERENT,
    ],
}

REGION: dict[str, Any] = {
    "output_column_name": "region",
    "comparison_description": "region",
    "comparison_levels": [
        _null("region"),
        _level("region_l = region_r", "same", tf_column="region"),
        _ELSE_DIFFERENT,
    ],
}

SEX: dict[str, Any] = {
    "output_column_name": "sex",
    "comparison_description": "sex",
    "comparison_levels": [
        {
            "sql_condition": "sex_l IS NULL OR sex_r IS NULL OR sex_l = 'X' OR sex_r = 'X'",
            "label_for_charts": "not recorded",
            "is_null_level": True,
        },
        _level("sex_l = sex_r", "same"),
        _ELSE_DIFFERENT,
    ],
}

NATIONALITY: dict[str, Any] = {
    "output_column_name": "nationality",
    "comparison_description": "nationality",
    "comparison_levels": [
        _null("nationality"),
        _level("nationality_l = nationality_r", "same"),
        _ELSE_DIFFERENT,
    ],
}


def _same_kind(x: str, y: str) -> str:
    """SQL: keys ``type|country|number`` ``x`` and ``y`` are the same type from the same country."""
    return " AND ".join(f"split_part({x}, '|', {part}) = split_part({y}, '|', {part})" for part in (1, 2))


def _number_distance(x: str, y: str) -> str:
    """SQL: Damerau-Levenshtein distance of the numbers of doc keys ``x`` and ``y``.

    On the number alone: the distance is quadratic in length and the shared prefix is long.
    """
    return f"damerau_levenshtein(split_part({x}, '|', 3), split_part({y}, '|', 3))"


def _any_pair(condition: str) -> str:
    """SQL: some doc key ``x`` of the left record and ``y`` of the right record satisfy ``condition``."""
    inner = f"len(list_filter(doc_keys_r, lambda y: {condition})) > 0"
    return f"len(list_filter(doc_keys_l, lambda x: {inner})) > 0"


DOCUMENTS: dict[str, Any] = {
    "output_column_name": "documents",
    "comparison_description": "documents",
    "comparison_levels": [
        _null("doc_keys"),
        _level("list_has_any(doc_keys_l, doc_keys_r)", "document in common"),
        _level(
            _any_pair(f"{_same_kind('x', 'y')} AND {_number_distance('x', 'y')} <= 2"),
            "same kind of document, numbers one or two characters apart",
        ),
        _level(_any_pair(_same_kind("x", "y")), "same kind of document, different numbers"),
        # A passport on one record and an identity card on the other says nothing either way.
        {"sql_condition": "ELSE", "label_for_charts": "documents of different kinds", "is_null_level": True},
    ],
}

PHONES: dict[str, Any] = {
    "output_column_name": "phones",
    "comparison_description": "phones",
    "comparison_levels": [
        _null("phone_keys"),
        _level("list_has_any(phone_keys_l, phone_keys_r)", "phone in common"),
        _level("ELSE", "no phone in common"),
    ],
}

ADDRESS: dict[str, Any] = {
    "output_column_name": "address",
    "comparison_description": "address",
    "comparison_levels": [
        _null("address_key"),
        _level("address_key_l = address_key_r", "same address"),
        _level("jaro_winkler_similarity(address_key_l, address_key_r) >= 0.92", "nearly the same address"),
        _level("jaro_winkler_similarity(address_key_l, address_key_r) >= 0.80", "similar address"),
        _ELSE_DIFFERENT,
    ],
}

# Postcode and locality are one comparison: they say nearly the same thing, and as two comparisons
# the model would count one fact twice.
PLACE: dict[str, Any] = {
    "output_column_name": "place",
    "comparison_description": "place of residence",
    "comparison_levels": [
        {
            "sql_condition": "(postcode_l IS NULL AND locality_l IS NULL)"
            " OR (postcode_r IS NULL AND locality_r IS NULL)",
            "label_for_charts": "not recorded",
            "is_null_level": True,
        },
        _level("postcode_l = postcode_r AND locality_l = locality_r", "same postcode and locality"),
        _level("postcode_l = postcode_r", "same postcode"),
        _level("jaro_winkler_similarity(locality_l, locality_r) >= 0.92", "same or nearly the same locality"),
        _level("damerau_levenshtein(postcode_l, postcode_r) <= 1", "postcode one digit different"),
        _ELSE_DIFFERENT,
    ],
}

COMPARISONS: list[dict[str, Any]] = [
    _name_comparison("given_key", "given_phon", "given_skeleton", "given_name", "given name"),
    _name_comparison("surname_key", "surname_phon", "surname_skeleton", "surname", "surname"),
    DATE_OF_BIRTH,
    SEX,
    NATIONALITY,
    DOCUMENTS,
    PHONES,
    ADDRESS,
    PLACE,
    REGION,
]


#: The analyst's name of each comparison, by output column name. Splink 5 writes every custom
#: comparison's description as "CustomComparison", so training writes these back into the model.
DESCRIPTIONS: dict[str, str] = {c["output_column_name"]: c["comparison_description"] for c in COMPARISONS}


def _rule(sql: str, explode: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"blocking_rule": sql}
    if explode is not None:
        rule["arrays_to_explode"] = [explode]
    return rule


_EITHER_VOWELLESS = "(l.written_without_vowels OR r.written_without_vowels)"
_EITHER_UNDATED = "(l.birth_year IS NULL OR r.birth_year IS NULL)"

# Candidate pairs. Each rule is an equi-join on keys whose blocks stay small as the data grows, so
# the number of pairs grows about linearly with the number of records: the name rules join on
# ``block_keys`` columns, which are the plain keys (sounding surname and given name, the name's words,
# surname and year...) split by one more column where a common name makes a block of more than
# ``block_keys.MAX_BLOCK`` records.
BLOCKING_RULES: list[dict[str, Any]] = [
    _rule("l.block_names = r.block_names"),
    # A common given name in one birth year is a big block; the surname's first sound splits it.
    _rule(
        "l.given_phon = r.given_phon AND l.birth_year = r.birth_year"
        " AND left(l.surname_phon, 1) = left(r.surname_phon, 1)"
    ),
    _rule("l.block_surname_year = r.block_surname_year"),
    _rule("l.doc_keys = r.doc_keys", explode="doc_keys"),
    _rule("l.phone_keys = r.phone_keys", explode="phone_keys"),
    # Given name and surname swapped: one record's names swapped are the other's in order.
    _rule("l.block_swap_from = r.block_swap_to"),
    # Swapped with one of the names respelt or longer: one name against the other's, in one birth year
    # (both ways round, since which record is on the left is arbitrary).
    _rule("l.block_given_across = r.block_surname_across"),
    _rule("l.block_surname_across = r.block_given_across"),
    # A name entered in Arabic script against its Latin spelling: neither sound nor spelling agree.
    _rule(f"l.given_skeleton = r.given_skeleton AND l.surname_skeleton = r.surname_skeleton AND {_EITHER_VOWELLESS}"),
    _rule(f"l.surname_skeleton = r.surname_skeleton AND l.birth_year = r.birth_year AND {_EITHER_VOWELLESS}"),
    _rule(f"l.given_skeleton = r.surname_skeleton AND l.surname_skeleton = r.given_skeleton AND {_EITHER_VOWELLESS}"),
    # One name the same, the other misspelt, and no date of birth on one side to block on. The other
    # name's first two consonants keep the blocks small (the article of "el amrani" is not one).
    _rule("l.given_key = r.given_key AND left(l.surname_skeleton, 2) = left(r.surname_skeleton, 2)"
          f" AND {_EITHER_UNDATED}"),
    _rule("l.surname_key = r.surname_key AND left(l.given_skeleton, 2) = left(r.given_skeleton, 2)"
          f" AND {_EITHER_UNDATED}"),
    _rule("l.block_words = r.block_words"),
    _rule("l.birth_date = r.birth_date"),
    _rule("l.postcode = r.postcode AND l.birth_year = r.birth_year"),
    _rule("l.postcode = r.postcode AND l.surname_phon = r.surname_phon"),
    _rule("l.address_key = r.address_key"),
]

# Expectation maximisation runs once per group below, blocked on equality of the first columns in
# the group that give enough pairs in the data at hand. A comparison is estimated in the sessions
# whose columns it does not use: the first group estimates all but the names, the second the names
# (a full date where the data has them, a year and month or a year where they are partial), the
# third serves sources with addresses but unreliable dates.
TRAINING_RULES: list[list[tuple[str, ...]]] = [
    [("given_phon", "surname_phon"), ("surname_phon",)],
    [("birth_date",), ("birth_year", "birth_month"), ("birth_year", "nationality"), ("birth_year",)],
    [("birth_year", "postcode")],
]

#: Levels where two records share a strong identifier, with the list column holding it. Among random
#: pairs such sharing is so rare (about one pair in ten million) that a sample of a few million pairs
#: mostly never sees it; its u is counted exactly over all records instead.
IDENTIFIER_LEVELS: dict[str, tuple[str, str]] = {
    "documents": ("doc_keys", "document in common"),
    "phones": ("phone_keys", "phone in common"),
}

#: Comparisons whose agreement the names already imply among different people: a given name says
#: the sex, and names come from a language, which says much of the nationality. Random pairs
#: (where u comes from) mostly disagree on both, but pairs with alike names mostly agree; scored as
#: independent facts they would count the name two or three times. Their u is therefore measured
#: on pairs with the same sounding names (the first of ``NAME_BLOCKS`` giving enough pairs), and EM
#: blocked on names holds them fixed.
NAME_DEPENDENT: tuple[str, ...] = ("sex", "nationality")
NAME_BLOCKS: list[tuple[str, ...]] = [("given_phon", "surname_phon"), ("surname_phon",)]

# Rules admitting almost no false matches; what they find, divided by their recall, estimates how
# many pairs match at all (the prior, lambda). Each rule comes with the columns both records must hold
# and, per comparison, the levels in which a pair passing the rule falls: the rule's recall among
# matches is read off the trained m of those levels (``prior.estimate_prior``), the way Splink
# turns an EM session's lambda into the whole data's by reversing its blocking rule. An assumed
# recall is wrong both ways with the data's quality: on sparse FEBRL4, whose duplicates garble one
# name in two, the first rule finds 42% of the matches, not the 70% once assumed.
@dataclass(frozen=True)
class DeterministicRule:
    """A rule with almost no false matches, the columns it needs, and the levels that say it holds."""

    columns: tuple[str, ...]
    levels: dict[str, tuple[str, ...]]

    def blocking_rule(self) -> dict[str, Any]:
        """The Splink blocking rule dict (a list column is exploded)."""
        exploded = [c for c in self.columns if c in LIST_COLUMNS]
        on = " AND ".join(f"l.{c} = r.{c}" for c in self.columns)
        return _rule(on, explode=exploded[0] if exploded else None)


LIST_COLUMNS = ("doc_keys", "phone_keys")
_SAME_SURNAME = ("same given name and surname", "exact match")
DETERMINISTIC_RULES: list[DeterministicRule] = [
    DeterministicRule(("name_key", "birth_date"),
                      {"surname": ("same given name and surname",), "date_of_birth": ("same full date",)}),
    DeterministicRule(("surname_key", "birth_date", "postcode"),
                      {"surname": _SAME_SURNAME, "date_of_birth": ("same full date",),
                       "place": ("same postcode and locality", "same postcode")}),
    DeterministicRule(("doc_keys",), {"documents": ("document in common",)}),
]
#: The recall credited to the rules when the model has no m to read it from (no EM session ran).
DETERMINISTIC_RECALL = 0.7


def base_settings() -> dict[str, Any]:
    """Return the untrained Splink settings dict for person resolution (DuckDB dialect)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "ref",
        "probability_two_random_records_match": 1e-4,
        "comparisons": copy.deepcopy(COMPARISONS),
        "blocking_rules_to_generate_predictions": copy.deepcopy(BLOCKING_RULES),
        # Splink 5 reports a pair's level (gamma_*) only alongside the matching columns.
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "em_convergence": 0.0001,
        "max_iterations": 25,
        "sql_dialect": "duckdb",
    }
