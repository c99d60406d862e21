"""Which model scores a store's persons, and what the store's records cannot give.

A store estimates its own model once it holds ``MIN_PERSONS_TO_TRAIN`` persons; below that the
model shipped with the package (trained on generated case files) scores its pairs, and a name's
frequency comes from the model's average rather than from a handful of records. Each choice comes
back with the sentence the command prints, so an analyst knows which model proposed a pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from linkgraph.errors import UsageError
from linkgraph.resolve.defaults import MIN_PERSONS_TO_TRAIN
from linkgraph.resolve.matching import ResolutionModel, default_model, train

__all__ = ["ChosenModel", "choose_model", "data_warnings", "needs_training"]


@dataclass
class ChosenModel:
    """The model a run scores with: ``origin`` is ``trained``, ``saved`` or ``default``; ``note`` says why."""

    model: ResolutionModel
    origin: str
    note: str
    frequencies: bool


def needs_training(persons: int, model_path: Path, retrain: bool) -> bool:
    """Whether this run estimates a model from the store (and so scores every pair).

    Raises
    ------
    UsageError
        ``retrain`` on a store with fewer than ``MIN_PERSONS_TO_TRAIN`` persons.
    """
    if retrain and persons < MIN_PERSONS_TO_TRAIN:
        raise UsageError(f"--retrain needs at least {MIN_PERSONS_TO_TRAIN:,} persons to estimate a model; the store "
                         f"has {persons:,}, so the shipped default model scores its pairs")
    return retrain or (persons >= MIN_PERSONS_TO_TRAIN and not model_path.exists())


def choose_model(frame: pd.DataFrame, model_path: Path, retrain: bool,
                 prepared_rows: pa.Table | None = None) -> ChosenModel:
    """Train and save a model for ``frame``, load the saved one, or take the shipped default, in that order.

    Name frequencies come from the store when it has at least ``MIN_PERSONS_TO_TRAIN`` persons.
    ``prepared_rows``: ``person_frame.prepare_rows(frame)`` made already, for training.
    """
    persons = len(frame)
    frequencies = persons >= MIN_PERSONS_TO_TRAIN
    if needs_training(persons, model_path, retrain):
        model = train(frame, prepared_rows=prepared_rows)
        model.save(model_path)
        return ChosenModel(model, "trained", f"model trained on the store's {persons:,} persons and saved to "
                                             f"{model_path}", frequencies)
    if model_path.exists():
        return ChosenModel(ResolutionModel.load(model_path), "saved", f"model from {model_path}", frequencies)
    model = default_model()
    return ChosenModel(model, "default", f"shipped default model (the store has {persons:,} persons, fewer than the "
                                         f"{MIN_PERSONS_TO_TRAIN:,} needed to estimate its own; name frequencies "
                                         "from the model's average)", frequencies)


def data_warnings(frame: pd.DataFrame, between: tuple[str, str] | None = None) -> list[str]:
    """Sentences about what the persons of ``frame`` cannot give a match (no dates of birth, no names).

    With ``between``, each of the two sources is looked at on its own.
    """
    groups = [(source, frame[frame["source"] == source]) for source in between] if between else [("", frame)]
    warnings = []
    for source, persons in groups:
        if persons.empty:
            continue
        where = f"source {source}: " if source else ""
        if persons["birth_year"].isna().all():
            warnings.append(f"{where}no person has a date of birth: matches rest on names and identifiers, "
                            "and two people with the same name cannot be told apart")
        named = persons[["given_key", "surname_key", "name_key"]].notna().any(axis=1)
        if not named.any():
            warnings.append(f"{where}no person has a name (did the mapping write name properties?): only shared "
                            "documents, phones and addresses can link them")
        elif named.mean() < 0.5:
            warnings.append(f"{where}{(~named).sum():,} of {len(persons):,} persons have no name")
    return warnings
