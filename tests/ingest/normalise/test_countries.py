"""Countries: codes and names in English, French and Spanish to ISO alpha-3."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.countries import normalise_country


@pytest.mark.parametrize(
    ("raw", "key", "display"),
    [
        ("ES", "ESP", "Spain"),
        ("es", "ESP", "Spain"),
        ("ESP", "ESP", "Spain"),
        (724, "ESP", "Spain"),
        ("032", "ARG", "Argentina"),
        ("Spain", "ESP", "Spain"),
        ("  SPAIN ", "ESP", "Spain"),
        ("Kingdom of Spain", "ESP", "Spain"),
        ("España", "ESP", "Spain"),
        ("espana", "ESP", "Spain"),
        ("Espagne", "ESP", "Spain"),
        ("l'Espagne", "ESP", "Spain"),
        ("Maroc", "MAR", "Morocco"),
        ("Marruecos", "MAR", "Morocco"),
        ("Allemagne", "DEU", "Germany"),
        ("Alemania", "DEU", "Germany"),
        ("Royaume-Uni", "GBR", "United Kingdom"),
        ("Reino Unido", "GBR", "United Kingdom"),
        ("États-Unis", "USA", "United States"),
        ("Estados Unidos", "USA", "United States"),
        ("Países Bajos", "NLD", "Netherlands"),
        ("Pays-Bas", "NLD", "Netherlands"),
        ("Costa de Marfil", "CIV", "Côte d'Ivoire"),
        ("Cote d'Ivoire", "CIV", "Côte d'Ivoire"),
        ("Corée du Sud", "KOR", "Korea, Republic of"),
        ("Syria", "SYR", "Syrian Arab Republic"),
        ("Republic of Korea", "KOR", "Korea, Republic of"),
        ("Fédération de Russie", "RUS", "Russian Federation"),
        ("El Salvador", "SLV", "El Salvador"),
        ("the Netherlands", "NLD", "Netherlands"),
        ("UK", "GBR", "United Kingdom"),
        ("U.K.", "GBR", "United Kingdom"),
        ("Great Britain", "GBR", "United Kingdom"),
        ("England", "GBR", "United Kingdom"),
        ("USA", "USA", "United States"),
        ("EE.UU.", "USA", "United States"),
        ("Russia", "RUS", "Russian Federation"),
        ("Rusia", "RUS", "Russian Federation"),
        ("Ivory Coast", "CIV", "Côte d'Ivoire"),
        ("Holland", "NLD", "Netherlands"),
        ("Turkey", "TUR", "Türkiye"),
        ("Kosovo", "XKX", "Kosovo"),
        ("XK", "XKX", "Kosovo"),
    ],
)
def test_countries(raw: object, key: str, display: str) -> None:
    result = normalise_country(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


def test_alpha_2_is_kept_in_parts() -> None:
    result = normalise_country("Marruecos")
    assert isinstance(result, Value)
    assert result.parts == {"alpha_2": "MA"}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("Atlantis", "not a known country name or ISO code: 'Atlantis'"),
        ("Korea", "'Korea'"),  # two countries: ambiguous, so unknown
        ("QQ", "'QQ'"),
        ("999", "'999'"),
        ("", "empty value"),
        (None, "empty value"),
    ],
)
def test_invalid_countries(raw: object, reason: str) -> None:
    result = normalise_country(raw)
    assert isinstance(result, Invalid)
    assert reason in result.reason
