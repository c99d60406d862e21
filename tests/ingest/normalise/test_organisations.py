"""Organisation names: the core key survives script, case, punctuation and legal form; the form is kept apart."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise import NORMALISERS
from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.organisations import (
    legal_form_kind,
    legal_form_shown,
    normalise_organisation,
    organisation_name,
)


@pytest.mark.parametrize(
    ("raw", "core", "legal_form"),
    [
        ("Al-Noor Trading LLC", "al noor trading", "llc"),
        ("AL NOOR TRADING L.L.C.", "al noor trading", "llc"),
        ("Al Noor Trading Limited Liability Company", "al noor trading", "llc"),
        ("Аль-Нур Трейдинг ООО", "al nur treiding", "ooo"),
        ("ООО «Ромашка»", "romashka", "ooo"),
        ("Общество с ограниченной ответственностью «Ромашка»", "romashka", "ooo"),
        ("Alnoor Trading Limited", "alnoor trading", "ltd"),
        ("Alnoor Trading Co. Ltd", "alnoor trading", "ltd"),
        ("Al Noor Trading Co. L.L.C.", "al noor trading", "llc"),
        ("Al Noor General Trading", "al noor general trading", ""),
        ("Müller Logistik GmbH", "muller logistik", "gmbh"),
        ("Müller Logistik GmbH & Co. KG", "muller logistik", "kg"),
        ("Trasportes Martínez S.L.", "trasportes martinez", "sl"),
        ("Fratelli Rossi S.p.A.", "fratelli rossi", "spa"),
        ("Rossi S.R.L.", "rossi", "srl"),
        ("Van Dijk Import B.V.", "van dijk import", "bv"),
        ("Société Générale S.A.", "societe generale", "sa"),
        ("Atlas Négoce SARL", "atlas negoce", "sarl"),
        ("Acme Inc.", "acme", "inc"),
        ("Acme Corporation", "acme", "corp"),
        ("Smith & Sons Co.", "smith sons", "co"),
        ("Smith and Sons", "smith sons", ""),
        ("The Blue Anchor Shipping Company", "blue anchor shipping", "co"),
        ("Limited Editions Ltd", "limited editions", "ltd"),
        ("Δέλτα Ναυτιλιακή Α.Ε.", "delta nautiliake", "ae"),
        ("Trgovina Novak d.o.o.", "trgovina novak", "doo"),
        ("Bałtyk Sp. z o.o.", "baltyk", "sp zoo"),
        ("ТОВ Дніпро Транс", "dnipro trans", "tov"),
        ("Công ty TNHH Hải Phòng", "hai phong", "tnhh"),
        ("Sahara Express", "sahara express", ""),
        ("LLC", "llc", ""),
    ],
)
def test_core_name_and_canonical_legal_form(raw: str, core: str, legal_form: str) -> None:
    name = organisation_name(raw)
    assert (name.core, name.legal_form) == (core, legal_form)


@pytest.mark.parametrize(
    ("code", "kind"),
    [("llc", "limited company"), ("ooo", "limited company"), ("gmbh", "limited company"),
     ("sa", "joint-stock company"), ("inc", "corporation"), ("co", "unspecified"), ("", "")],
)
def test_legal_forms_have_a_kind(code: str, kind: str) -> None:
    assert legal_form_kind(code) == kind


@pytest.mark.parametrize(("code", "shown"), [("llc", "LLC"), ("gmbh", "GmbH"), ("spa", "SpA"), ("ooo", "OOO"),
                                             ("sp zoo", "Sp. z o.o."), ("", "")])
def test_legal_forms_are_shown_as_written(code: str, shown: str) -> None:
    assert legal_form_shown(code) == shown


def test_normaliser_keeps_the_spelling_and_gives_the_form_as_parts() -> None:
    result = normalise_organisation("  AL NOOR   TRADING L.L.C. ")
    assert result == Value("al noor trading", "AL NOOR TRADING L.L.C.",
                           {"legal_form": "llc", "legal_form_kind": "limited company"})


def test_the_compact_core_joins_split_words() -> None:
    assert organisation_name("Al-Noor Trading").compact == organisation_name("ALNOOR TRADING LTD").compact


@pytest.mark.parametrize("raw", [None, "", "   ", "«»", "---"])
def test_a_name_without_letters_is_a_reason(raw: object) -> None:
    assert isinstance(normalise_organisation(raw), Invalid)


def test_mappings_can_name_it() -> None:
    assert NORMALISERS["organisation"].func is normalise_organisation
