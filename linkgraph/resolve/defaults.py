"""The resolution defaults every layer shares (the command line reads them without importing Splink)."""

from __future__ import annotations

#: Default match probability for proposing a ``SAME_AS`` link. Proposals are reviewed, never merged,
#: and a wrong one about a victim or a child costs more than a missed one, which a lower threshold
#: can still find. Measured (bench/): on FEBRL4 precision 1.000 and recall 0.999 at any threshold from
#: 0.5 to 0.99; on the case-file generator's 24,000 records (transliterations, typos, swapped names,
#: year-only dates, common names shared by many people) 0.9 gives precision 0.986 and recall 0.806,
#: 0.5 gives 0.937 and 0.884; most pairs between them are one common name with one record giving only
#: the birth year, of which about half are the same person.
DEFAULT_THRESHOLD = 0.9

#: Every scored pair at or above this probability is stored (``SAME_AS`` with its probability and
#: evidence), whatever the threshold: the threshold is a view over the stored pairs, so a lower
#: ``--threshold``, ``review list --min`` or ``--pairs-out`` re-cuts them without scoring again.
#: Below 1 in 100 a pair is not worth an analyst's look at any threshold anyone would set, and the
#: stored pairs stay a small multiple of the proposed ones (on FEBRL4 about 1.1 times).
PAIR_FLOOR = 0.01

#: Fewer persons than this and the store does not estimate its own model: the shipped default model
#: (``default-model.json``, trained on generated case files) scores its pairs, and the frequency of a
#: name comes from the model's average rather than from the store. Why 1,000: training estimates m by
#: expectation maximisation on blocks of pairs with the same sounding names or the same birth date and
#: skips a block under 100 pairs; with a few percent of persons recorded twice, a store under about
#: 1,000 persons has fewer true pairs than levels to estimate, and its model proposes little or
#: nothing (five case files of 18 persons: 0 pairs; with the shipped model 7 of 10 true pairs).
MIN_PERSONS_TO_TRAIN = 1000

#: The states of a ``SAME_AS`` link: scored (``candidate``; proposed when at or above the threshold in
#: force), decided either way by an analyst, or ``withdrawn`` when a later scoring put it below
#: ``PAIR_FLOOR``.
STATUSES = ("candidate", "accepted", "rejected", "withdrawn")

#: The statuses ``--pairs-out`` writes unless asked for more: an analyst's rejection is left out.
PAIRS_OUT_STATUSES = ("candidate", "accepted")
