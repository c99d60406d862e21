"""Probabilistic person matching: which ``Person`` records are probably the same person, and why.

A Fellegi–Sunter model run by Splink on DuckDB, independent of the graph store: a person frame
(``person_frame.PERSON_COLUMNS``) goes in, scored and explained pairs come out. Parameters are
estimated without labels: u by random sampling, m by expectation maximisation on a few blocking
rules, the prior (probability two random records match) from deterministic rules.

Nothing here merges anyone: the pairs are ``SAME_AS`` candidates for an analyst to accept or reject.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from importlib import resources
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import splink
from splink import DuckDBAPI, Linker

from linkgraph.errors import InvalidData, UsageError
from linkgraph.resolve.comparisons import BLOCKING_RULES
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.resolve.person_frame import (
    PERSON_COLUMNS,
    check_person_frame,
    empty_person_frame,
    prepare_person_frame,
)
from linkgraph.resolve.frequencies import register_name_frequencies
from linkgraph.resolve.scored_pairs import PAIR_COLUMNS, empty_pairs, explained_batches, sorted_pairs
from linkgraph.resolve.splink_session import new_linker, open_session
from linkgraph.resolve.training import estimate_settings

__all__ = [
    "DEFAULT_THRESHOLD",
    "MODEL_VERSION",
    "PAIR_COLUMNS",
    "PERSON_COLUMNS",
    "ResolutionModel",
    "default_model",
    "empty_person_frame",
    "train",
]


#: Format version of a saved model file; bump when the settings dict or metadata change meaning.
MODEL_VERSION = 1


_FORMAT = "linkgraph-resolution-model"
_MAX_PRIOR = 0.5

#: The model shipped with the package for stores too small to estimate their own (see
#: ``defaults.MIN_PERSONS_TO_TRAIN``); rebuilt by ``scripts/train_default_model.py``.
DEFAULT_MODEL_FILE = "default-model.json"


@dataclass
class ResolutionModel:
    """A trained person-resolution model: Splink's settings dict with its parameters, plus metadata.

    Attributes
    ----------
    settings : dict
        Splink settings (comparisons with trained m/u, blocking rules, prior); JSON-serialisable.
    trained_at : str
        ISO-8601 UTC time of training.
    record_count : int
        Number of person records the model was trained on.
    version : int
        ``MODEL_VERSION`` of the file format.
    """

    settings: dict[str, Any]
    trained_at: str
    record_count: int
    version: int = MODEL_VERSION
    splink_version: str = field(default=splink.__version__)
    trained_on: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        """Write the model to ``path`` as JSON (Splink settings plus our metadata)."""
        document = {
            "format": _FORMAT,
            "version": self.version,
            "trained_at": self.trained_at,
            "record_count": self.record_count,
            "splink_version": self.splink_version,
            "trained_on": self.trained_on,
            "splink_settings": self.settings,
        }
        Path(path).write_text(json.dumps(document, indent=2, sort_keys=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> ResolutionModel:
        """Read a model written by ``save``.

        Raises
        ------
        InvalidData
            If the file is not JSON, not a linkgraph resolution model, or of another version.
        """
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidData(f"{path}: cannot read resolution model: {exc}") from exc
        if not isinstance(document, dict) or document.get("format") != _FORMAT:
            raise InvalidData(f"{path}: not a linkgraph resolution model")
        if document.get("version") != MODEL_VERSION:
            raise InvalidData(
                f"{path}: resolution model version {document.get('version')} is not supported "
                f"(this linkgraph reads version {MODEL_VERSION}); train the model again"
            )
        try:
            return cls(
                settings=dict(document["splink_settings"]),
                trained_at=str(document["trained_at"]),
                record_count=int(document["record_count"]),
                version=int(document["version"]),
                splink_version=str(document.get("splink_version", "unknown")),
                trained_on=dict(document.get("trained_on") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidData(f"{path}: resolution model is incomplete: {exc}") from exc

    def prior_for(self, record_count: int) -> float:
        """Return the probability that two random records match among ``record_count`` records.

        Trained on ``self.record_count`` records; a person appears about as often in a larger frame
        as in a smaller one, so the chance that two random records match falls as 1 / (n - 1). A
        model trained on a few thousand records and run against a store of a million would
        otherwise propose look-alikes far too readily.
        """
        trained = float(self.settings["probability_two_random_records_match"])
        if record_count < 2 or self.record_count < 2:
            return trained
        return min(_MAX_PRIOR, trained * (self.record_count - 1) / (record_count - 1))

    def prior_between(self, left_count: int, right_count: int) -> float:
        """Return the probability that a record of one source matches a random record of the other.

        Link-only (``--between``): each source is free of duplicates, so every match among their
        ``left_count + right_count`` records is a pair across them. The matches ``prior_for`` expects
        among all pairs then fall among the ``left_count * right_count`` cross pairs only; scored
        with the all-pairs prior, a cross pair would be held to odds about twice too long (for two
        sources of equal size).
        """
        records = left_count + right_count
        cross = left_count * right_count
        if cross < 1 or records < 2:
            return self.prior_for(records)
        return min(_MAX_PRIOR, self.prior_for(records) * (records * (records - 1) / 2) / cross)

    def predict(
        self,
        frame: pd.DataFrame,
        threshold: float = DEFAULT_THRESHOLD,
        new_refs: set[str] | None = None,
        *,
        between: tuple[str, str] | None = None,
        frequencies: bool = True,
        prepared_rows: pa.Table | None = None,
    ) -> pd.DataFrame:
        """Score candidate pairs of ``frame`` and keep those at or above ``threshold``.

        Parameters
        ----------
        frame : pandas.DataFrame
            All person records (see ``PERSON_COLUMNS``); term frequencies come from it.
        threshold : float
            Minimum match probability of a returned pair, in ``[0, 1]``.
        new_refs : set of str, optional
            When given, only pairs with at least one side in ``new_refs`` are scored, at a cost
            that grows with the new records rather than with all of them.
        between : (str, str), optional
            Link-only: two sources each known to be free of duplicates; only pairs with one record
            of each are scored (``new_refs`` is then ignored), with the prior of a cross pair
            (``prior_between``).
        frequencies : bool
            Adjust exact name matches by how common the name is in ``frame``. Off for a frame too
            small to say how common a name is: the model's average weight is used instead.
        prepared_rows : pyarrow.Table, optional
            ``person_frame.prepare_rows(frame)`` made already (kept between runs), row for row.

        Returns
        -------
        pandas.DataFrame
            ``PAIR_COLUMNS``: ``left_ref < right_ref``, each pair once, most probable first;
            ``evidence`` is a list of sentences such as ``"surname: exact match, +8.2"``.

        Raises
        ------
        InvalidData
            If ``frame`` lacks columns or repeats refs, or ``new_refs`` names refs not in it.
        UsageError
            If ``threshold`` is not a probability.

        Examples
        --------
        >>> model = train(frame)                                    # doctest: +SKIP
        >>> model.predict(frame, 0.9).iloc[0]["evidence"][0]        # doctest: +SKIP
        'passport in common (passport|ESP|X1234567), +14.1'
        """
        if not 0.0 <= threshold <= 1.0:
            raise UsageError(f"threshold must be a probability between 0 and 1, got {threshold}")
        check_person_frame(frame)
        if new_refs is not None and between is None:
            unknown = set(new_refs) - set(frame["ref"])
            if unknown:
                shown = ", ".join(sorted(unknown)[:5])
                raise InvalidData(f"{len(unknown)} new ref(s) are not in the person frame, e.g. {shown}")
            if not new_refs:
                return empty_pairs()
        prepared = prepare_person_frame(frame, prepared_rows)
        prior = self.prior_for(len(frame))
        if between is not None:
            sources = frame["source"].value_counts()
            prior = self.prior_between(int(sources.get(between[0], 0)), int(sources.get(between[1], 0)))
        # The evidence needs each pair's levels and matching columns, whatever the saved model says.
        settings = {
            **copy.deepcopy(self.settings),
            # How candidates are found is not what the model learned: a model saved by an earlier
            # version scores the pairs of today's rules (whose blocks stay small on a large store).
            "blocking_rules_to_generate_predictions": copy.deepcopy(BLOCKING_RULES),
            "retain_matching_columns": True,
            "retain_intermediate_calculation_columns": True,
            "probability_two_random_records_match": prior,
        }
        # A comparison whose every level is neutral (m = u: nothing in the data trained it, such as
        # documents in a store without any) adds 0 bits to every pair; scoring it costs time only.
        informative = [c for c in settings["comparisons"] if not _is_neutral(c)]
        if informative:
            settings["comparisons"] = informative
        if not frequencies:
            for comparison in settings["comparisons"]:
                for level in comparison["comparison_levels"]:
                    level.pop("tf_adjustment_column", None)
                    level.pop("tf_adjustment_weight", None)
        with open_session(prepared) as (db_api, people):
            linker = new_linker(people, settings)
            if frequencies:
                _register_frequencies(linker)
                register_name_frequencies(db_api, linker)
            if between is not None:
                scored = _predict_between_sources(db_api, linker, prepared, between, threshold)
            elif new_refs is None:
                scored = [
                    linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
                ]
            else:
                scored = _predict_incremental(db_api, linker, prepared, new_refs, threshold)
            found = [explained for table in scored for explained in explained_batches(db_api, table, self.settings)]
        return sorted_pairs(found)


def default_model() -> ResolutionModel:
    """Return the model shipped with the package (``DEFAULT_MODEL_FILE``), trained on generated case files.

    Its ``trained_on`` says on what and with which command it was built.
    """
    path = resources.files("linkgraph.resolve") / DEFAULT_MODEL_FILE
    with resources.as_file(path) as file:
        return ResolutionModel.load(file)


def train(frame: pd.DataFrame, *, seed: int = 42, u_max_pairs: float = 1e6,
          prepared_rows: pa.Table | None = None) -> ResolutionModel:
    """Estimate a resolution model from unlabelled person records.

    u probabilities come from ``u_max_pairs`` random pairs (almost all non-matches); m probabilities
    from expectation maximisation on ``comparisons.TRAINING_RULES``; the prior from
    ``comparisons.DETERMINISTIC_RULES``. Levels training never saw are then made neutral or bounded
    (``training.regularise_levels``), so an unseen case is not scored as strong disagreement.

    Parameters
    ----------
    frame : pandas.DataFrame
        Person records (see ``PERSON_COLUMNS``), at least two.
    seed : int
        Seed of the u sampling, for reproducible models.
    u_max_pairs : float
        Number of random pairs for u estimation; the cost of u estimation grows with it, not with
        the number of records.
    prepared_rows : pyarrow.Table, optional
        ``person_frame.prepare_rows(frame)`` made already (a resolve run scores with the same rows).

    Returns
    -------
    ResolutionModel

    Raises
    ------
    InvalidData
        If ``frame`` lacks columns, repeats refs, or has fewer than two rows.
    """
    prepared = prepare_person_frame(frame, prepared_rows)
    if prepared.num_rows < 2:
        raise InvalidData("at least two person records are needed to train a resolution model")
    settings = estimate_settings(prepared, seed=seed, u_max_pairs=u_max_pairs)
    return ResolutionModel(
        settings=settings,
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        record_count=prepared.num_rows,
    )


# Incremental resolution uses Splink 5's ``predict_between`` (new records x existing records,
# blocked by an inner join, so existing-existing pairs are never generated) plus ``predict_within``
# (new x new). Splink 5 has no ``find_matches_to_new_records``; the alternative of running
# ``predict`` over everything and filtering afterwards costs as much as a full run. Term
# frequencies are computed once from the whole frame and registered, as both calls require.
def _predict_incremental(
    db_api: DuckDBAPI, linker: Linker, prepared: pa.Table, new_refs: set[str], threshold: float
) -> list[Any]:
    is_new = pc.is_in(prepared["ref"], value_set=pa.array(sorted(new_refs), type=pa.string()))
    new_people = db_api.register(prepared.filter(is_new), table_name="new_people")
    scored = [
        linker.inference.predict_within(
            new_people, threshold_match_probability=threshold, warning_mode="never"
        )
    ]
    old = prepared.filter(pc.invert(is_new))
    if old.num_rows:
        old_people = db_api.register(old, table_name="old_people")
        scored.append(
            linker.inference.predict_between(
                new_people, old_people, threshold_match_probability=threshold, warning_mode="never"
            )
        )
    return scored


def _predict_between_sources(
    db_api: DuckDBAPI, linker: Linker, prepared: pa.Table, sources: tuple[str, str], threshold: float
) -> list[Any]:
    """Score only pairs with one record of each of ``sources`` (link-only), with the whole frame's frequencies."""
    tables = []
    for number, source in enumerate(sources):
        chosen = prepared.filter(pc.equal(prepared["source"], source))
        tables.append(db_api.register(chosen, table_name=f"source_{number}"))
    return [linker.inference.predict_between(tables[0], tables[1], threshold_match_probability=threshold,
                                             warning_mode="never")]


def _register_frequencies(linker: Linker) -> None:
    """Compute the term-frequency tables the model uses from the whole frame (``predict_between`` and
    ``predict_within`` need them; the whole name's is then replaced by ``register_name_frequencies``)."""
    tf_columns = {
        level["tf_adjustment_column"]
        for comparison in linker.misc.save_model_to_json()["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    }
    for column in sorted(tf_columns):
        linker.table_management.compute_tf_table(column)


def _is_neutral(comparison: dict[str, Any]) -> bool:
    levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
    return all(level.get("m_probability") is not None and level.get("m_probability") == level.get("u_probability")
               for level in levels)
