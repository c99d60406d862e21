"""The one door: every read of case data goes through a ``View`` opened for a principal.

A view knows which cases its principal may see (from the policy and each case's owner country,
operation and handling code) and passes them to every query as the parameters ``$visible`` (the
visible case references), ``$everything`` (true when nothing is hidden) and ``$open_labels``
(reference labels such as Location, which belong to no case), so what is filtered never leaves the
database. Queries written for the door filter with::

    WHERE $everything OR any(c IN n.cases WHERE c IN $visible)

What the principal can see that also appears in a hidden case becomes a ``Hit``: the kind of match,
the owner country and the handling code of the other side, and nothing else (no names, keys, case
references, counts or dates). Raw Cypher cannot be filtered, so it is a capability the policy grants
only with ``all``. Writing (ingest, resolve, review) asks the view for the store, which checks the
capability. Every command through a view appends one record to the audit log when it closes.
"""

from __future__ import annotations

import os
import pwd
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.access.audit import AuditLog
from linkgraph.access.policy import DEFAULT_HANDLING, Grant, Policy, load_policy
from linkgraph.errors import AccessDenied, UsageError
from linkgraph.model import load_model

if TYPE_CHECKING:
    from linkgraph.store.base import QueryResult, Store

#: Parameter names the view sets on every query; a caller may not set them.
SCOPE_PARAMS = ("visible", "everything", "open_labels")
POLICY_FILE = "policy.yaml"


@dataclass(frozen=True)
class Principal:
    """Who is acting: the name recorded and checked, the operating-system login behind it, the grant.

    ``grant`` is None in single-user mode (no policy file): everything is visible and allowed.
    """

    name: str
    login: str
    grant: Grant | None = None

    @property
    def single_user(self) -> bool:
        """True when no policy applies (every case visible, every capability allowed)."""
        return self.grant is None

    @property
    def everything(self) -> bool:
        """True when this principal sees every case."""
        return self.grant is None or self.grant.all

    def can(self, capability: str) -> bool:
        """Whether the policy grants ``capability`` (ingest, review, export, cypher, admin)."""
        return self.grant is None or bool(getattr(self.grant, capability))


@dataclass(frozen=True)
class Hit:
    """A restricted match: something the principal sees also appears where she may not look."""

    key: str
    kind: str
    country: str
    handling: str

    def sentence(self) -> str:
        """The marker shown to the analyst."""
        return (f"restricted match: {self.kind} {self.key} also appears in a case owned by {self.country} "
                f"(handling {self.handling}); ask the owner")


def find_policy(store: Store, explicit: Path | None = None) -> Path | None:
    """The policy file in force: ``explicit`` (``--policy``), ``$LINKGRAPH_POLICY``, or ``policy.yaml`` in
    the embedded store's directory; None for single-user mode."""
    if explicit is not None:
        return explicit
    if os.environ.get("LINKGRAPH_POLICY"):
        return Path(os.environ["LINKGRAPH_POLICY"])
    if store.backend == "falkordb":
        candidate = Path(store.location) / POLICY_FILE
        if candidate.exists():
            return candidate
    return None


def resolve_principal(policy: Policy | None, login: str, requested: str | None) -> Principal:
    """The principal for ``login`` asking to act as ``requested`` (``--as``); raise ``AccessDenied``.

    With a policy, ``--as`` is honoured only for a login the policy marks ``admin``, and the acting
    user must be in the policy. Without one (single-user mode) ``--as`` only names who acted.
    """
    if policy is None:
        return Principal(requested or login, login)
    own = policy.users.get(login)
    if requested and requested != login:
        if own is None or not own.admin:
            raise AccessDenied(f"--as {requested}: only a login the policy marks admin may act as another user "
                               f"(you are {login}; policy {policy.path})")
        acting = policy.users.get(requested)
        if acting is None:
            raise AccessDenied(f"--as {requested}: no such user in the policy {policy.path}")
        return Principal(requested, login, acting)
    if own is None:
        raise AccessDenied(f"user {login} is not in the policy {policy.path}; ask an administrator")
    return Principal(login, login, own)


@dataclass
class _Audit:
    command: str
    params: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    cases: set[str] = field(default_factory=set)
    hits: int = 0
    output: str | None = None
    sha256: str | None = None


class View:
    """A store seen by one principal. Use as a context manager; see the module docstring."""

    def __init__(self, store: Store, principal: Principal, command: str, audit_path: Path | None = None,
                 policy: Path | None = None, owns_store: bool = False) -> None:
        self._store = store
        self._owns_store = owns_store
        self.principal = principal
        self.policy_path = policy
        self._visible: list[str] | None = None
        self._audit = _Audit(command)
        self._counting = threading.Lock()  # readers of one command may run in threads (``find_links``)
        self._log = AuditLog(store, audit_path)
        self._recorded = False

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> View:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> None:
        try:
            if not self._recorded:
                self._record("failed" if kind else "ok", error)
        finally:
            if self._owns_store:
                self._store.close()

    def close(self) -> None:
        """Record the command in the audit log (once) and release the store when the view opened it."""
        self.__exit__(None, None, None)

    @property
    def backend(self) -> str:
        """The store's backend name (falkordb or neo4j)."""
        return self._store.backend

    @property
    def location(self) -> str:
        """The store's location (directory or URI)."""
        return self._store.location

    @property
    def id_function(self) -> str:
        """The store's node id function (``id`` on FalkorDB, ``elementId`` on Neo4j)."""
        return self._store.id_function

    # -- scope -----------------------------------------------------------------------------------
    def visible_cases(self) -> list[str]:
        """The references of the cases this principal may see (every case when unrestricted)."""
        if self._visible is None:
            rows = self._store.read("MATCH (c:Case) RETURN c.key, coalesce(c.country_key, c.country), c.operation, c.handling_code "
                                    "ORDER BY c.key").rows
            grant = self.principal.grant
            self._visible = [key for key, country, operation, handling in rows
                             if grant is None or grant.may_see(key, country, operation, handling or DEFAULT_HANDLING)]
        return self._visible

    def scope(self) -> dict[str, Any]:
        """The parameters every filtered query takes: ``visible``, ``everything`` and ``open_labels``
        (reference labels such as Location, which belong to no case and are visible to everyone)."""
        open_labels = [e.label for e in load_model().entities.values() if e.reference]
        if self.principal.everything:
            return {"visible": [], "everything": True, "open_labels": open_labels}
        return {"visible": self.visible_cases(), "everything": False, "open_labels": open_labels}

    def _with_scope(self, params: dict[str, Any] | None) -> dict[str, Any]:
        given = dict(params or {})
        reserved = sorted(set(given) & set(SCOPE_PARAMS))
        if reserved:
            raise UsageError(f"parameter name {reserved[0]!r} is reserved for access control")
        return {**given, **self.scope()}

    # -- reading ---------------------------------------------------------------------------------
    def read(self, cypher: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run library Cypher written for the door (it filters with ``$visible``/``$everything``)."""
        return self._store.read(cypher, self._with_scope(params))

    def query(self, name: str, params: dict[str, Any] | None = None, folder: Path | None = None) -> QueryResult:
        """Run the named query ``name`` (shipped, or from the user's query ``folder``) with the principal's
        scope; counted in the audit record."""
        from linkgraph.named_queries import load_query

        named = load_query(name, folder)
        if not named.filtered and not self.principal.everything:
            raise AccessDenied(f"query {name} is not written for access control (no '// access: filtered' "
                               "header), so only users who see every case may run it")
        bound = named.bind(params or {})
        self._audit.params = {"query": name, **{k: v for k, v in bound.items()
                                                 if k in {p.name for p in named.parameters} and v is not None}}
        result = self._store.read(named.text_for(self._store.backend), self._with_scope(bound))
        self.note(rows=len(result.rows))
        return result

    def cypher(self, text: str, params: dict[str, Any] | None = None) -> QueryResult:
        """Run raw read-only Cypher: only for a principal the policy grants ``cypher`` (which needs ``all``)."""
        self._audit.params = {"cypher": text, **(params or {})}
        if not (self.principal.can("cypher") and self.principal.everything):
            raise AccessDenied(f"raw Cypher is not allowed for {self.principal.name}: use the named queries "
                               "(linkgraph query --list), which respect case access")
        result = self._store.read(text, params)
        self.note(rows=len(result.rows))
        return result

    def fulltext(self, label: str, terms: list[tuple[str, int, bool]], limit: int = 50) -> QueryResult:
        """Query the store's full-text index of ``label`` within the principal's scope (see ``Store.fulltext``)."""
        return self._store.fulltext(label, terms, limit, self.scope())

    def hits(self, label: str, keys: list[str], threshold: float = 0.9) -> list[Hit]:
        """Restricted matches for the ``label`` entities ``keys``: each (entity, owner country, handling)
        where the entity, or for a person or an organisation a SAME_AS link (accepted, or candidate at
        ``threshold`` or above), reaches a case the principal may not see. Empty for a principal who sees
        everything."""
        if self.principal.everything or not keys:
            return []
        from linkgraph.store.base import check_labels, same_as_in_force

        check_labels(label)
        kind = label.lower()
        found = self._store.read(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
            "UNWIND [c IN coalesce(n.cases, []) WHERE NOT c IN $visible] AS hidden "
            "MATCH (c:Case {key: hidden}) "
            "RETURN DISTINCT n.key, coalesce(c.country_key, c.country), c.handling_code",
            {"keys": keys, **self.scope()}).rows
        if label in ("Person", "Organisation"):
            found += self._store.read(
                f"UNWIND $keys AS k MATCH (n:{label} {{key: k}})-[s:SAME_AS]-(q:{label}) "
                f"WHERE {same_as_in_force('s')} "
                "AND NOT any(c IN coalesce(q.cases, []) WHERE c IN $visible) "
                "UNWIND coalesce(q.cases, []) AS hidden MATCH (c:Case {key: hidden}) "
                "RETURN DISTINCT n.key, coalesce(c.country_key, c.country), c.handling_code",
                {"keys": keys, "threshold": threshold, **self.scope()}).rows
        hits = sorted({Hit(key, kind, country or "unknown country", handling or DEFAULT_HANDLING)
                       for key, country, handling in found}, key=lambda h: (h.key, h.country, h.handling))
        with self._counting:
            self._audit.hits += len(hits)
        return hits

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label (and relationships per type, for a principal who sees everything) in scope."""
        if self.principal.everything:
            return self._store.counts()
        model = load_model()
        nodes = {}
        for label in model.labels:
            nodes[label] = self._store.read(
                f"MATCH (n:{label}) WHERE any(c IN coalesce(n.cases, []) WHERE c IN $visible) RETURN count(n)",
                self.scope()).scalar() or 0
        return {"nodes": nodes, "relationships": {}}

    # -- writing ---------------------------------------------------------------------------------
    def writer(self, capability: str) -> Store:
        """The store, for a write the policy grants by ``capability`` (ingest, review, or ``all`` for
        resolve and administration); raise ``AccessDenied`` otherwise."""
        allowed = self.principal.everything if capability == "all" else self.principal.can(capability)
        if not allowed:
            raise AccessDenied(f"{self.principal.name} may not {capability if capability != 'all' else 'run this'}: "
                               f"the policy {self.policy_path} does not allow it")
        return self._store

    def require_admin(self) -> None:
        """Raise ``AccessDenied`` unless the principal is an administrator (or no policy applies)."""
        if not self.principal.can("admin"):
            raise AccessDenied(f"only an administrator may do this; {self.principal.name} is not one "
                               f"in the policy {self.policy_path}")

    # -- audit -----------------------------------------------------------------------------------
    def note(self, *, rows: int = 0, cases: list[str] | None = None, params: dict[str, Any] | None = None,
             output: str | None = None, sha256: str | None = None) -> None:
        """Add to this command's audit record: result rows, cases touched, parameters, output file."""
        with self._counting:
            self._audit.rows += rows
            self._audit.cases.update(cases or [])
            if params:
                self._audit.params.update(params)
            if output:
                self._audit.output, self._audit.sha256 = output, sha256

    def _record(self, result: str, error: BaseException | None) -> None:
        self._recorded = True
        audit = self._audit
        record = {"principal": self.principal.name, "login": self.principal.login, "command": audit.command,
                  "params": {k: v for k, v in audit.params.items() if k not in SCOPE_PARAMS},
                  "cases": sorted(audit.cases), "rows": audit.rows, "hits": audit.hits, "result": result}
        if error is not None:
            record["error"] = type(error).__name__
        if audit.output:
            record["output"], record["sha256"] = audit.output, audit.sha256
        self._log.append(record)

    def audit_log(self) -> AuditLog:
        """The store's audit log (reading it is for administrators)."""
        self.require_admin()
        return self._log


def login_name() -> str:
    """The operating-system login running this process (from the user database, not from $USER, which
    anyone can set)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid with no passwd entry (some containers)
        return f"uid-{os.geteuid()}"


def open_view(uri: str | None, *, command: str, as_user: str | None = None, policy: Path | None = None,
              create: bool = False, login: str | None = None) -> View:
    """Open the store named by ``uri`` for the acting principal; the only way commands read case data.

    ``as_user`` is ``--as`` (honoured for administrators only when a policy applies); ``policy``
    overrides where the policy file is looked for. Raise ``AccessDenied``, ``InvalidPolicy`` or the
    store's errors.
    """
    from linkgraph.store import open_store

    store = open_store(uri, create=create)
    try:
        policy_path = find_policy(store, policy)
        loaded = load_policy(policy_path) if policy_path is not None else None
        principal = resolve_principal(loaded, login or login_name(), as_user)
    except BaseException:
        store.close()
        raise
    return View(store, principal, command, policy=policy_path, owns_store=True)
