"""The threshold as a view over the stored pairs.

Resolution stores every pair it scores at or above ``PAIR_FLOOR`` as a ``SAME_AS`` link with its
probability and evidence. What is *proposed* is then a cut of what is stored: candidates at or above
the threshold in force, plus the pairs an analyst accepted. Changing the threshold, listing below it
or writing the pairs file re-cuts the stored links; nothing is scored again.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from linkgraph.files import open_private
from linkgraph.resolve.defaults import PAIRS_OUT_STATUSES
from linkgraph.store.base import Store

__all__ = ["PAIRS_CSV_COLUMNS", "count_proposed", "stored_pairs", "write_pairs_csv"]

#: Columns of ``--pairs-out``.
PAIRS_CSV_COLUMNS = ["left_ref", "right_ref", "probability", "status", "evidence"]

# A pair is in the cut when its status is asked for and it scores at or above the threshold; an
# accepted pair is in whatever it scores (an analyst said they are one person).
_IN_CUT = "s.status IN $statuses AND (s.status = 'accepted' OR s.probability >= $t)"
_BETWEEN = "($sources IS NULL OR (a.source IN $sources AND b.source IN $sources AND a.source <> b.source))"

_STORED_PAIRS = f"""
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE {_IN_CUT} AND {_BETWEEN}
RETURN a.key, b.key, s.probability, s.status, s.evidence
ORDER BY s.probability DESC, a.key, b.key
"""

_COUNT_PROPOSED = f"""
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE {_IN_CUT}
RETURN count(s)
"""


def stored_pairs(store: Store, threshold: float, statuses: Sequence[str] = PAIRS_OUT_STATUSES,
                 between: tuple[str, str] | None = None) -> pd.DataFrame:
    """Return the stored pairs in the cut at ``threshold`` with one of ``statuses``, most probable first.

    With ``between``, only pairs with one person of each of the two sources. Columns are
    ``PAIRS_CSV_COLUMNS``; ``evidence`` is a list of sentences.
    """
    rows = store.read(_STORED_PAIRS, {"t": threshold, "statuses": list(statuses),
                                      "sources": list(between) if between else None}).rows
    frame = pd.DataFrame(rows, columns=PAIRS_CSV_COLUMNS)
    frame["evidence"] = frame["evidence"].map(lambda e: list(e or []))
    return frame


def count_proposed(store: Store, threshold: float) -> int:
    """The number of stored pairs proposed at ``threshold``: candidates at or above it, and accepted pairs."""
    return int(store.read(_COUNT_PROPOSED, {"t": threshold, "statuses": list(PAIRS_OUT_STATUSES)}).scalar() or 0)


def write_pairs_csv(pairs: pd.DataFrame, path: Path) -> None:
    """Write ``pairs`` (``PAIRS_CSV_COLUMNS``) to ``path`` as a private CSV file (0600, never through a
    symlink), evidence joined by ``; ``, every text cell inert for spreadsheets."""
    from linkgraph.output import csv_row

    with open_private(path) as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(PAIRS_CSV_COLUMNS)
        for left, right, probability, status, evidence in pairs[PAIRS_CSV_COLUMNS].itertuples(index=False):
            writer.writerow(csv_row([str(left), str(right), f"{float(probability):.4f}", status, "; ".join(evidence)]))
