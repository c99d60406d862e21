"""Need-to-know: the policy, the principal, the view every read goes through, and the audit log."""

from linkgraph.access.view import Hit, Principal, View, open_view

__all__ = ["Hit", "Principal", "View", "open_view"]
