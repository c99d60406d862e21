"""Places: ISO country plus a folded place name; the route gazetteer fills a missing country."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise import Invalid, Value
from linkgraph.ingest.normalise.places import normalise_place


@pytest.mark.parametrize(
    ("raw", "country", "key", "display"),
    [
        ("Trípoli", "Libya", "LBY|tripoli", "Trípoli"),
        ("TRIPOLI", "LY", "LBY|tripoli", "TRIPOLI"),
        ("Tripoli", "LB", "LBN|tripoli", "Tripoli"),
        ("Agadez", None, "NER|agadez", "Agadez"),
        ("Bihać", None, "BIH|bihac", "Bihać"),
        ("Las Palmas de  Gran Canaria", "España", "ESP|las palmas de gran canaria", "Las Palmas de Gran Canaria"),
        ("Springfield", None, "|springfield", "Springfield"),
    ],
)
def test_places_key_on_country_and_folded_name(raw: str, country: str | None, key: str, display: str) -> None:
    result = normalise_place(raw, country)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(("raw", "country", "reason"), [("   ", None, "empty"), ("--", None, "no letters"),
                                                         ("Agadez", "Atlantis", "Atlantis")])
def test_bad_places_are_refused_with_a_reason(raw: str, country: str | None, reason: str) -> None:
    result = normalise_place(raw, country)
    assert isinstance(result, Invalid)
    assert reason in result.reason
