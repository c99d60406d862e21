"""How common a whole name is among *other* people, estimated from the store's own records.

Splink's term frequency of a value is its share of all records. For a rare whole name that share is
made by the pair being scored: a name written on exactly two records, a person and his duplicate,
gets the frequency 2 / n, and "same given name and surname" then counts far less than the names'
rarity says (on sparse FEBRL4 a pair with the same rare full name and no date of birth stayed at
p = 0.13). The chance that a *different* person has the name is estimated instead from two things:

- the records other than the two being compared, ``(k - 2) / n`` for a name on ``k`` records;
- the given name's frequency times the surname's (each counted over many more records, so the
  duplicates of one person barely move them), times how much more often a given name goes with a
  surname than chance says among different people (``name_dependence``: names of one language go
  together, "joy" with "ibrahim"), measured on pairs born in different years (different people,
  nearly all).

The larger of the two is used, so a name that other people in the store do share is never scored
as rarer than it is. Without the dependence (too few pairs born in different years share a whole
name to measure it), the plain frequency ``k / n`` is kept.
"""

from __future__ import annotations

from splink import DuckDBAPI, Linker

from linkgraph.resolve.splink_session import PEOPLE_TABLE

__all__ = ["MIN_DEPENDENCE_PAIRS", "name_dependence", "register_name_frequencies"]

#: Fewest pairs sharing a whole name among people born in different years for the dependence of given
#: name and surname to be measured; under it the share of random pairs is too noisy to scale by.
MIN_DEPENDENCE_PAIRS = 20

_PAIRS_ACROSS_YEARS = """
SELECT coalesce(sum(k * (k - 1) / 2), 0) - coalesce((SELECT sum(k * (k - 1) / 2) FROM (
         SELECT count(*) AS k FROM {table} WHERE {column} IS NOT NULL AND birth_year IS NOT NULL
         GROUP BY {column}, birth_year)), 0)
FROM (SELECT count(*) AS k FROM {table} WHERE {column} IS NOT NULL AND birth_year IS NOT NULL GROUP BY {column})
"""

# ``{column}`` is ``name_key`` (the whole name) or ``name_sorted`` (its words in any order, for names
# swapped between given name and surname).
_WHOLE_NAME_FREQUENCY = """
WITH total AS (SELECT count(*)::DOUBLE AS n FROM {table}),
given AS (SELECT given_key, count(*) AS k FROM {table} WHERE given_key IS NOT NULL GROUP BY given_key),
surname AS (SELECT surname_key, count(*) AS k FROM {table} WHERE surname_key IS NOT NULL GROUP BY surname_key),
whole AS (SELECT {column}, count(*) AS k, any_value(given_key) AS given_key, any_value(surname_key) AS surname_key
          FROM {table} WHERE {column} IS NOT NULL GROUP BY {column})
SELECT whole.{column},
       greatest((whole.k - 2) / total.n,
                coalesce(given.k / total.n * surname.k / total.n * $dependence, whole.k / total.n))
         AS tf_{column}
FROM whole CROSS JOIN total
LEFT JOIN given ON given.given_key = whole.given_key
LEFT JOIN surname ON surname.surname_key = whole.surname_key
"""


def name_dependence(db_api: DuckDBAPI, table: str = PEOPLE_TABLE) -> float | None:
    """How many times more often two people born in different years share a whole name than chance says.

    Chance is the share sharing the given name times the share sharing the surname. Returns None when
    fewer than ``MIN_DEPENDENCE_PAIRS`` such pairs share a whole name; never less than 1.
    """
    con = db_api.duckdb_con
    shared = {}
    for column in ("name_key", "given_key", "surname_key"):
        [(pairs,)] = con.execute(_PAIRS_ACROSS_YEARS.format(table=table, column=column)).fetchall()
        shared[column] = float(pairs or 0)
    [(everyone,)] = con.execute(_PAIRS_ACROSS_YEARS.format(table=table, column="'all'")).fetchall()
    everyone = float(everyone or 0)
    if shared["name_key"] < MIN_DEPENDENCE_PAIRS or not everyone or not shared["given_key"] or not shared["surname_key"]:
        return None
    chance = (shared["given_key"] / everyone) * (shared["surname_key"] / everyone)
    return max(1.0, (shared["name_key"] / everyone) / chance)


def register_name_frequencies(db_api: DuckDBAPI, linker: Linker, table: str = PEOPLE_TABLE) -> float | None:
    """Register the whole-name frequency tables (``tf_name_key``, ``tf_name_sorted``) the model uses with
    ``linker``; return the dependence used.

    Nothing is registered (Splink then counts ``k / n`` itself) when the dependence cannot be measured.
    """
    dependence = name_dependence(db_api, table)
    if dependence is None:
        return None
    used = {level.get("tf_adjustment_column") for comparison in linker.misc.save_model_to_json()["comparisons"]
            for level in comparison["comparison_levels"]}
    for column in ("name_key", "name_sorted"):
        if column not in used:
            continue
        db_api.duckdb_con.execute(f"CREATE OR REPLACE TABLE {column}_frequencies AS "
                                  + _WHOLE_NAME_FREQUENCY.format(table=table, column=column), {"dependence": dependence})
        registered = db_api.register(f"{column}_frequencies")
        linker.table_management.register_term_frequency_lookup(registered, column)
    return dependence
