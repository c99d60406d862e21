"""Evidence sentences: why a pair of person records scored as it did, in the analyst's words.

For each comparison Splink 5 reports the level the pair fell in (``gamma_<name>``) and that level's
match weight, the log2 of its Bayes factor (``mw_<name>``, plus ``mw_tf_adj_<name>`` when the
value's frequency adjusts it; Splink 4 called these ``bf_*`` and gave the factor itself). The
sentence is the comparison's description, the level's label from the saved model, and the signed
weight: "surname: exact match, +8.2". Shared documents and phones name the key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

#: Contributions smaller than this (in bits) are left out of the evidence.
MIN_CONTRIBUTION = 0.05
_TF_NOTE_BITS = 1.0


def level_labels(comparison: Mapping[str, Any]) -> dict[int, str]:
    """Map each comparison vector value (``gamma``) of a Splink comparison dict to its level label.

    Splink numbers a comparison's non-null levels from ``n - 1`` (first) down to ``0`` (last); null
    levels are ``-1``.
    """
    levels = comparison["comparison_levels"]
    labels: dict[int, str] = {}
    value = sum(1 for level in levels if not level.get("is_null_level")) - 1
    for level in levels:
        label = level.get("label_for_charts") or level["sql_condition"]
        if level.get("is_null_level"):
            labels[-1] = label
        else:
            labels[value] = label
            value -= 1
    return labels


def evidence_sentences(scored: pd.DataFrame, comparisons: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """Return, for each row of Splink's ``scored`` pairs, its evidence sentences, strongest first.

    Parameters
    ----------
    scored : pandas.DataFrame
        Splink predictions with the ``gamma_*`` and ``mw_*`` columns and the matching columns
        (``doc_keys_l`` ...), i.e. predicted with ``retain_matching_columns`` and
        ``retain_intermediate_calculation_columns``.
    comparisons : sequence of dict
        The comparisons of the model's settings dict (they carry the labels).
    """
    per_row: list[list[tuple[float, str]]] = [[] for _ in range(len(scored))]
    identifiers = {
        column: (scored[f"{column}_l"].tolist(), scored[f"{column}_r"].tolist())
        for column in ("doc_keys", "phone_keys")
        if f"{column}_l" in scored.columns
    }
    for comparison in comparisons:
        name = comparison["output_column_name"]
        if f"gamma_{name}" not in scored.columns:
            continue
        labels = level_labels(comparison)
        description = comparison.get("comparison_description") or name
        gammas = scored[f"gamma_{name}"].to_numpy()
        bits = scored[f"mw_{name}"].fillna(0.0).to_numpy(dtype=float)
        tf_bits = np.zeros(len(scored))
        if f"mw_tf_adj_{name}" in scored.columns:
            tf_bits = scored[f"mw_tf_adj_{name}"].fillna(0.0).to_numpy(dtype=float)
        for i, gamma in enumerate(gammas):
            total = float(bits[i] + tf_bits[i])
            if gamma == -1 or not math.isfinite(total) or abs(total) < MIN_CONTRIBUTION:
                continue
            label = labels.get(int(gamma), f"level {gamma}")
            text = _identifier_text(name, label, i, identifiers)
            if text is None:
                text = f"{description}: {label}"
                if abs(tf_bits[i]) >= _TF_NOTE_BITS:
                    text += " (rare)" if tf_bits[i] > 0 else " (common)"
            per_row[i].append((total, f"{text}, {total:+.1f}"))
    return [[text for _, text in sorted(row, key=lambda item: -abs(item[0]))] for row in per_row]


def _identifier_text(
    comparison: str, label: str, row: int, identifiers: Mapping[str, tuple[list[Any], list[Any]]]
) -> str | None:
    """The sentence for a shared or near-identical document or phone, naming the keys; else None."""
    if comparison == "phones" and label == "phone in common" and "phone_keys" in identifiers:
        phones_l, phones_r = (_keys(side[row]) for side in identifiers["phone_keys"])
        return f"phone in common ({'; '.join(sorted(set(phones_l) & set(phones_r)))})"
    if comparison != "documents" or "doc_keys" not in identifiers:
        return None
    docs_l, docs_r = (_keys(side[row]) for side in identifiers["doc_keys"])
    if label == "document in common":
        shared = sorted(set(docs_l) & set(docs_r))
        return f"{_kinds(shared)} in common ({'; '.join(shared)})"
    same_kind = [(x, y) for x in docs_l for y in docs_r if _kind_of(x) == _kind_of(y)]
    if not same_kind:
        return None
    x, y = min(same_kind, key=lambda pair: DamerauLevenshtein.distance(*pair))
    if label.startswith("same kind of document, numbers"):
        return f"{_kinds([x])} numbers one or two characters apart ({x} / {y})"
    if label == "same kind of document, different numbers":
        return f"different {_kinds([x])} numbers ({x} / {y})"
    return None


def _keys(value: Any) -> list[str]:
    if value is None or isinstance(value, float):
        return []
    return [str(key) for key in value]


def _kind_of(key: str) -> tuple[str, str]:
    parts = key.split("|")
    return (parts[0], parts[1] if len(parts) > 2 else "")


def _kinds(keys: Sequence[str]) -> str:
    kinds = sorted({key.split("|")[0].replace("_", " ").replace("other", "document") for key in keys})
    return " and ".join(kinds) or "document"
