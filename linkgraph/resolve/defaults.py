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

#: The states of a ``SAME_AS`` link: proposed, decided either way by an analyst, or withdrawn when a
#: later run scores it below the threshold.
STATUSES = ("candidate", "accepted", "rejected", "withdrawn")
