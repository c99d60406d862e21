"""Blocking keys whose blocks stay small as a store grows.

A blocking rule on a name makes every pair of records in a block of ``k`` records that share it:
``k * (k - 1) / 2`` pairs. Common names make huge blocks: in a generated store of 708,000 persons,
4,265 records sound like "Ali Mohamed", and the name rules alone made 180 million candidate pairs
(a 70,000-person store makes 1.7 million), which took resolution past 20 GB and 18 minutes. A block
of more than ``MAX_BLOCK`` records is therefore split by year of birth (surname and year: by given
name), so the pairs of a rule grow about linearly with the number of records.

What the split gives up is a pair that shares a name hundreds of records share and not a year of
birth (or lacks one). Such a name says little (its exact match is weighted by how common it is) and
a different year counts against; the pair still comes in through the other rules when it shares a
full date, a document, a phone or an address.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

#: Largest block a name rule makes before its key is split by year of birth. Its cost is the pairs
#: it makes (``MAX_BLOCK / 2`` per record at most); stores the size of the test scenarios (thousands
#: of persons) never reach it, so their pairs are those of the plain rules.
#:
#: Measured on the generated store of 714,080 persons (72,324 true pairs; ``truth/identities.csv``),
#: the candidate pairs of all rules and the true pairs among them: at 300, 73.5 million candidates
#: holding 99.19% of the true pairs; at 150, 49.3 million holding 98.95%; at 100, 39.7 million holding
#: 98.79%. Of the 176 true pairs 150 gives up against 300, ten had been scored at or above the default
#: threshold (a common surname, a respelt given name, a year of birth only on one side), of the about
#: 53,600 found. Candidates are what resolution's time goes on at that size (making and scoring them
#: took 340 of a 360 s scoring step), so 150 halves the worst case per record and cuts a third of the
#: candidates for two in ten thousand of the pairs found.
MAX_BLOCK = 150

#: Columns ``add_block_keys`` appends, used by ``comparisons.BLOCKING_RULES``.
BLOCK_KEY_COLUMNS = ("block_names", "block_swap_from", "block_swap_to", "block_given_across",
                     "block_surname_across", "block_words", "block_surname_year")

_SEPARATOR = "\x1f"


def add_block_keys(prepared: pa.Table) -> pa.Table:
    """Return ``prepared`` with ``BLOCK_KEY_COLUMNS``: each rule's key, split where its block is large.

    - ``block_names``: sounding surname and given name (split by year of birth);
    - ``block_swap_from`` / ``block_swap_to``: the names swapped / in order, so that one record's
      ``block_swap_from`` equals the other's ``block_swap_to`` when their names are swapped; split by
      year of birth when either of the record's two name blocks is large, which is the same for both
      records of such a pair, so the rule holds whichever record is on the left;
    - ``block_given_across`` / ``block_surname_across``: the sounding given name / surname with the
      year of birth, so that one record's given name can meet the other's surname (names swapped, the
      other name respelt); where either side of such a meeting is a large block (a given name that is
      also a common surname: "Mohamed", "Ali"), split by the first sound of the record's other name,
      which is the same test for both records of a pair, since they hold the same key;
    - ``block_words``: the words of the whole name in order (split by year of birth);
    - ``block_surname_year``: sounding surname and year of birth (split by the surname as written,
      then by the sounding given name).

    A key is null when a column it needs is null, so null never blocks with null.
    """
    year = pc.cast(prepared["birth_year"], pa.string())
    names = _joined(prepared["surname_phon"], prepared["given_phon"])
    swapped = _joined(prepared["given_phon"], prepared["surname_phon"])
    name_sizes = pc.value_counts(names)
    either = pc.max_element_wise(_sizes_in(names, name_sizes), _sizes_in(swapped, name_sizes))
    given_year = _joined(prepared["given_phon"], year)
    surname_year = _joined(prepared["surname_phon"], year)
    given_sizes, surname_sizes = pc.value_counts(given_year), pc.value_counts(surname_year)

    def across(keys: pa.ChunkedArray, other_name: pa.ChunkedArray) -> pa.ChunkedArray:
        larger = pc.max_element_wise(_sizes_in(keys, given_sizes), _sizes_in(keys, surname_sizes))
        return _split_where(keys, larger, pc.utf8_slice_codeunits(other_name, 0, 1))

    keys = {
        "block_names": _split(names, year),
        "block_swap_from": _split_where(swapped, either, year),
        "block_swap_to": _split_where(names, either, year),
        "block_given_across": across(given_year, prepared["surname_phon"]),
        "block_surname_across": across(surname_year, prepared["given_phon"]),
        "block_words": _split(prepared["name_sorted"], year),
        "block_surname_year": _split(_joined(prepared["surname_phon"], year), prepared["surname_key"],
                                     prepared["given_phon"]),
    }
    for column, key in keys.items():
        prepared = prepared.append_column(column, key)
    return prepared


def _joined(*parts: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.binary_join_element_wise(*(pc.cast(part, pa.string()) for part in parts), _SEPARATOR)


def _sizes_in(keys: pa.ChunkedArray, sizes: pa.StructArray) -> pa.ChunkedArray:
    """The number of records holding each of ``keys`` as counted in ``sizes`` (0 when none does)."""
    positions = pc.index_in(keys, value_set=sizes.field("values"))
    return pc.fill_null(pc.take(sizes.field("counts"), positions), 0)


def _split(keys: pa.ChunkedArray, *refiners: pa.ChunkedArray) -> pa.ChunkedArray:
    """``keys``, each block of more than ``MAX_BLOCK`` records split by the first of ``refiners``, the
    blocks still too large by the next, and so on."""
    for refine in refiners:
        keys = _split_where(keys, _sizes_in(keys, pc.value_counts(keys)), refine)
    return keys


def _split_where(keys: pa.ChunkedArray, sizes: pa.ChunkedArray, refine: pa.ChunkedArray) -> pa.ChunkedArray:
    """``keys``, with ``refine`` added to those whose ``sizes`` (of their block) exceed ``MAX_BLOCK``."""
    return pc.if_else(pc.greater(sizes, MAX_BLOCK), _joined(keys, refine), keys)
