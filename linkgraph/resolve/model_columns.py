"""Which stored ``Person`` properties feed which resolution column, read from the data model.

Resolution compares fixed columns (``person_frame.PERSON_COLUMNS``: the name's keys, the birth date's
parts, sex, nationality, address, locality, postcode, region). Which stored properties fill them is
the model's to say (``linkgraph/schema/model.yaml`` and its extension), not this code's: every
``Person`` property flagged ``resolution`` feeds the columns of its type (a ``name`` its given name,
surname and whole-name keys; a ``date`` the year, month and day; ``sex``; a ``country`` the
nationality), and a ``text`` property the column it names (``resolution: region``). So a source whose
mapping writes ``state`` (the model's name for ``region`` and ``province`` too) feeds the region
comparison, and an extension can add, say, ``district: {type: text, resolution: region}``. Two
properties feeding one column: the first the model lists that is recorded wins.
"""

from __future__ import annotations

import re

from linkgraph.errors import InvalidModel
from linkgraph.model import Model, load_model

__all__ = ["TEXT_COLUMNS", "organisation_fields", "person_column_sources", "person_field_expressions"]

#: The columns a ``text`` property may feed, with what it means to feed them.
TEXT_COLUMNS = {
    "address": "the street address, compared by spelling",
    "locality": "town or suburb, compared with the postcode as one place",
    "postcode": "postal code, compared with the locality as one place",
    "region": "state, province or region, same or different",
}

#: Per property type, the columns it feeds and the stored property (``{p}`` is the property's name)
#: each is read from; what the ingest normalisers write for that type.
_BY_TYPE: dict[str, dict[str, str]] = {
    "name": {"given_key": "p.{p}_given_key", "surname_key": "p.{p}_surname_key",
             "name_key": "coalesce(p.{p}_key, p.{p})"},
    "date": {"birth_year": "toString(p.{p}_year)", "birth_month": "toString(p.{p}_month)",
             "birth_day": "toString(p.{p}_day)"},
    "sex": {"sex": "p.{p}"},
    "country": {"nationality": "p.{p}_key"},
}
_TEXT = "coalesce(p.{p}_key, p.{p})"
# The frame's name of a text column, where it differs from the name the model uses.
_FRAME_COLUMN = {"address": "address_key"}
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def person_column_sources(model: Model | None = None) -> dict[str, list[str]]:
    """Return, per resolution column, the Cypher expressions (over ``p``) of the properties feeding it.

    Raises
    ------
    InvalidModel
        A flagged property whose type resolution cannot compare, or a text property naming no
        column or an unknown one (the message names the property and the columns it may feed).
    """
    person = (model or load_model()).entity("Person")
    sources: dict[str, list[str]] = {}
    for prop in person.properties.values():
        if prop.resolution is False:
            continue
        where = f"Person.{prop.name}"
        if not _NAME.match(prop.name):  # the model checks this too; a name goes into the query text
            raise InvalidModel(f"{where}: not a property name resolution can read")
        if prop.type == "text":
            column = prop.resolution
            if column not in TEXT_COLUMNS:
                raise InvalidModel(f"{where}: a text property compared by resolution names the column it feeds "
                                   f"(resolution: {' | '.join(TEXT_COLUMNS)}), not {column!r}")
            sources.setdefault(_FRAME_COLUMN.get(column, column), []).append(_TEXT.format(p=prop.name))
            continue
        columns = _BY_TYPE.get(prop.type)
        if columns is None:
            raise InvalidModel(f"{where}: resolution cannot compare a {prop.type} property "
                               f"(it compares {', '.join([*_BY_TYPE, 'text'])})")
        if prop.resolution is not True:
            raise InvalidModel(f"{where}: a {prop.type} property is compared by its type: resolution: true, "
                               f"not {prop.resolution!r}")
        for column, expression in columns.items():
            sources.setdefault(column, []).append(expression.format(p=prop.name))
    return sources


def person_field_expressions(columns: list[str], model: Model | None = None) -> list[str]:
    """One Cypher expression per name in ``columns``: the column's sources (first recorded wins) or null.

    ``ref`` is ``p.key`` and ``source`` ``p.source``; a column no property feeds reads as null.
    """
    sources = person_column_sources(model)
    fixed = {"ref": "p.key", "source": "p.source"}
    expressions = []
    for column in columns:
        feeding = [fixed[column]] if column in fixed else sources.get(column, [])
        if not feeding:
            expressions.append("null")
        elif len(feeding) == 1:
            expressions.append(feeding[0])
        else:
            expressions.append(f"coalesce({', '.join(feeding)})")
    return expressions


def organisation_fields(model: Model | None = None, node: str = "o") -> dict[str, str]:
    """The Cypher expressions (over ``node``) of what organisation resolution compares: ``name`` (the
    caption), ``country`` (ISO key of the ``country`` properties flagged ``resolution``, else their
    text) and ``locality`` (the text properties flagged ``resolution: locality``); null when the model
    declares none."""
    entity = (model or load_model()).entity("Organisation")
    countries = [f"{node}.{p.name}_key, {node}.{p.name}" for p in entity.properties.values()
                 if p.type == "country" and p.resolution is True]
    localities = [f"{node}.{p.name}_key, {node}.{p.name}" for p in entity.properties.values()
                  if p.type == "text" and p.resolution == "locality"]
    return {"name": f"{node}.{entity.caption}",
            "country": f"coalesce({', '.join(countries)})" if countries else "null",
            "locality": f"coalesce({', '.join(localities)})" if localities else "null"}
