"""What a store holds, as the acting principal may see it, for ``linkgraph status`` and for scripts."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from linkgraph.runs import interrupted_runs, run_counts

if TYPE_CHECKING:
    from linkgraph.access.view import View


def status_report(view: View, with_cases: bool = False) -> dict[str, Any]:
    """Return what ``view``'s principal may know of the store.

    Keys (stable for scripts): ``backend``, ``location``, ``access`` (``single-user``, or ``policy``
    with ``principal`` and ``policy`` file), ``cases`` (how many the principal sees), ``countries``
    ({owner country: cases}), ``case_list`` (the references, only when ``with_cases``), ``nodes``
    ({label: n}), ``relationships`` ({type: n}; empty for a principal who does not see every case),
    ``runs`` ({run label: {status: n}}, where ``interrupted`` counts runs left ``running`` by a process
    that is gone) and ``interrupted`` (those runs). Run records name files and users, so they are
    reported to principals who see every case only.
    """
    counts = view.counts()
    visible = set(view.visible_cases())
    countries: Counter[str] = Counter()
    for key, country in view.read("MATCH (c:Case) WHERE $everything OR c.key IN $visible RETURN c.key, coalesce(c.country_key, c.country)").rows:
        if key in visible:
            countries[country or "unknown"] += 1
    principal = view.principal
    report: dict[str, Any] = {
        "backend": view.backend, "location": view.location,
        "access": "single-user" if principal.single_user else "policy", "principal": principal.name,
        "policy": str(view.policy_path) if view.policy_path else None,
        "cases": len(visible), "countries": dict(sorted(countries.items())), **counts,
        "runs": {}, "interrupted": [],
    }
    if with_cases:
        report["case_list"] = sorted(visible)
    if principal.everything:
        report["runs"] = run_counts(view.writer("all"))
        report["interrupted"] = interrupted_runs(view.writer("all"))
    view.note(rows=len(visible))
    return report
