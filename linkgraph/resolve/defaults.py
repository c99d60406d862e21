"""The resolution defaults every layer shares (the command line reads them without importing Splink)."""

from __future__ import annotations

#: Default match probability for proposing a ``SAME_AS`` link. Proposals are reviewed, never merged,
#: and a wrong one about a victim or a child costs more than a missed one, which a lower threshold
#: can still find (the threshold is a view: lowering it scores nothing again). Measured (bench/):
#: FEBRL4 with all fields precision 1.000, recall 0.9998; FEBRL4 cut to names, date of birth and
#: region, linked file to file (``--between``), precision 0.999 and recall 0.908 at 0.9, 0.998 and 0.935
#: at 0.5; the case-file generator's 23,935 records (2,000 cases, seed 11: transliterations, names in
#: Arabic script, typos, swapped names, year-only dates, look-alikes) 0.992 and 0.872 at 0.9, 0.937 and
#: 0.948 at 0.5.
DEFAULT_THRESHOLD = 0.9

#: Every scored pair at or above this probability is stored (``SAME_AS`` with its probability and
#: evidence), whatever the threshold: the threshold is a view over the stored pairs, so a lower
#: ``--threshold``, ``review list --min`` or ``--pairs-out`` re-cuts them without scoring again.
#: Why 1 in 10: below it the model holds a pair nine times likelier two people than one, under any
#: review band an analyst would set (the default threshold is 0.9). Every stored pair is scored, explained,
#: written and then scanned by every store-wide read of the links, and the pairs under 0.1 are most
#: of them: on the 1,000,000-row generated store (712,080 persons) 918,674 pairs scored at 0.01 or
#: more, 214,320 at 0.1 or more, 56,066 at the threshold (0.01 was the first choice; on FEBRL4 it
#: stores about 1.1 times the proposed pairs, there 16 times).
PAIR_FLOOR = 0.1

#: Fewer persons than this and the store does not estimate its own model: the shipped default model
#: (``default-model.json``, trained on generated case files) scores its pairs, and the frequency of a
#: name comes from the model's average rather than from the store. Why 1,000: training estimates m by
#: expectation maximisation on blocks of pairs with the same sounding names or the same birth date and
#: skips a block under 100 pairs; a store with a few percent of its persons recorded twice has fewer
#: true pairs than that below about 1,000 persons, and its own model is at best no better than the
#: shipped one. Measured on generated stores (another seed than the shipped model's), precision and
#: recall at 0.9, own model against shipped model: 344 persons 0.92/0.96 against 1.00/1.00; 903
#: persons 1.00/0.82 against 1.00/0.83; 1,869 persons equal (0.99/0.90); 3,544 persons 0.997/0.887
#: against 0.997/0.867. Five case files of 18 persons trained their own model into proposing nothing.
MIN_PERSONS_TO_TRAIN = 1000

#: The states of a ``SAME_AS`` link: scored (``candidate``; proposed when at or above the threshold in
#: force), decided either way by an analyst, or ``withdrawn`` when a later scoring put it below
#: ``PAIR_FLOOR``.
STATUSES = ("candidate", "accepted", "rejected", "withdrawn")

#: The statuses ``--pairs-out`` writes unless asked for more: an analyst's rejection is left out.
PAIRS_OUT_STATUSES = ("candidate", "accepted")
