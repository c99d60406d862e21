"""Administration of who may see a case: its owner country, operation and handling code."""

from __future__ import annotations

from linkgraph.access.policy import HANDLING_CODES
from linkgraph.access.view import View
from linkgraph.errors import NotFound, UsageError


def set_case_access(view: View, case_id: str, *, handling: str | None = None, operation: str | None = None,
                    country: str | None = None) -> dict[str, str]:
    """Set the handling code, operation and/or owner country of case ``case_id``; return what was set.

    Only an administrator may; the change is in the command's audit record. Raise ``AccessDenied``,
    ``UsageError`` for nothing to change or a bad value, ``NotFound`` for an unknown case.
    """
    view.require_admin()
    changes = {name: value for name, value in
               (("handling_code", handling), ("operation", operation), ("country_key", country),
                ("country", country)) if value}
    if not changes:
        raise UsageError("give --handling, --operation or --country")
    if handling is not None and handling not in HANDLING_CODES:
        raise UsageError(f"--handling must be one of {', '.join(HANDLING_CODES)}")
    if country is not None and (len(country) != 3 or not country.isalpha() or not country.isupper()):
        raise UsageError(f"--country is an ISO 3166 alpha-3 code such as ESP, not {country!r}")
    store = view.writer("all")
    found = store.write("MATCH (c:Case {key: $key}) SET c += $changes RETURN c.key", {"key": case_id, "changes": changes})
    if not found.rows:
        raise NotFound(f"no case {case_id!r}")
    view.note(cases=[case_id], params={"case": case_id, **changes})
    return changes
