"""Organisation names: a core-name key that survives script, case, punctuation and legal form.

``"Al-Noor Trading LLC"``, ``"AL NOOR TRADING L.L.C."`` and ``"Аль-Нур Трейдинг ООО"`` are written in
three ways; their keys are ``al noor trading``, ``al noor trading`` and ``al nur treiding``. The key is
built as a person name's key is (``names.name_key``: NFKC, transliteration by ``unidecode``, accents,
case and punctuation folded), then the legal form is taken off the ends and kept apart, canonical:
``llc`` for LLC, L.L.C. and "Limited Liability Company"; ``ooo`` for ООО and its spelled-out Russian
form. The legal form is a separate fact because the same core name under two legal forms is weaker
evidence of one organisation than the same name under the same one (a group registers an LLC and a
joint-stock company of one name), and its *kind* (limited company, joint-stock company...) tells
``ООО`` and ``LLC`` (one kind, two languages) from ``LLC`` and ``S.A.`` (two kinds).

What the key cannot do: like person names, transliteration is letter by letter (``Нур`` gives ``nur``,
not ``noor``; ``Трейдинг`` gives ``treiding``); spelling variants are left to fuzzy and phonetic
matching in resolution. A legal form is recognised only at the start or end of the name (where
registers and letterheads put it), never in the middle, so "Limited Editions Ltd" keeps its first word.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Invalid, Result, Value
from .codes import text_of
from .names import name_key

__all__ = ["LEGAL_FORMS", "LegalForm", "OrganisationName", "legal_form_kind", "legal_form_shown",
           "normalise_organisation", "organisation_name"]

#: Kinds of legal form. Two forms of one kind are the same thing in two countries or languages.
LIMITED = "limited company"
JOINT_STOCK = "joint-stock company"
CORPORATION = "corporation"
PARTNERSHIP = "partnership"
SOLE_TRADER = "sole trader"
COOPERATIVE = "cooperative"
#: "Co.", "& Cie", "SAS" (a French simplified joint-stock company, an Italian limited partnership):
#: a form that says nothing sure about the kind.
UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class LegalForm:
    """One legal form: its canonical code, kind, the spellings recognised, and whether it is also
    written before the name (``ООО «Ромашка»``, ``PT Maju``) rather than only after it."""

    code: str
    kind: str
    spellings: tuple[str, ...]
    prefix: bool = False


# International forms and those of the countries the case files come from (Europe, North and West
# Africa, the Middle East, Russia, Ukraine, the Balkans, South and East Asia). Spellings are written
# as registers and letterheads write them; they are folded by ``name_key`` when the table is built.
LEGAL_FORMS: tuple[LegalForm, ...] = (
    # limited liability companies
    LegalForm("llc", LIMITED, ("LLC", "L.L.C.", "Limited Liability Company", "FZ-LLC", "FZLLC", "ش.م.م", "ذ.م.م",
                               "شركة ذات مسؤولية محدودة")),
    LegalForm("ltd", LIMITED, ("Ltd", "Ltd.", "Limited", "Co. Ltd", "Co Ltd", "Company Limited", "Pvt Ltd",
                               "Private Limited", "Pte Ltd", "Pty Ltd", "(Pty) Ltd", "有限公司", "有限责任公司")),
    LegalForm("gmbh", LIMITED, ("GmbH", "G.m.b.H.", "GesmbH", "Ges.m.b.H.", "Gesellschaft mit beschränkter Haftung",
                                "UG (haftungsbeschränkt)")),
    LegalForm("ooo", LIMITED, ("OOO", "ООО", "Общество с ограниченной ответственностью"), prefix=True),
    LegalForm("tov", LIMITED, ("TOV", "ТОВ", "Товариство з обмеженою відповідальністю"), prefix=True),
    LegalForm("srl", LIMITED, ("SRL", "S.R.L.", "S.r.l.", "Società a responsabilità limitata",
                               "Societate cu răspundere limitată", "S. de R.L.")),
    LegalForm("sl", LIMITED, ("SL", "S.L.", "SLU", "S.L.U.", "Sociedad Limitada", "Sociedad de Responsabilidad Limitada")),
    LegalForm("sarl", LIMITED, ("SARL", "S.A.R.L.", "SARLU", "EURL", "Société à responsabilité limitée")),
    LegalForm("bv", LIMITED, ("BV", "B.V.", "Besloten Vennootschap", "BVBA", "B.V.B.A.")),
    LegalForm("sp zoo", LIMITED, ("Sp. z o.o.", "Sp z oo", "Spółka z ograniczoną odpowiedzialnością")),
    LegalForm("sro", LIMITED, ("s.r.o.", "sro", "spol. s r.o.")),
    LegalForm("kft", LIMITED, ("Kft", "Kft.")),
    LegalForm("doo", LIMITED, ("d.o.o.", "doo", "ДОО", "Д.О.О.", "DOOEL", "ДООЕЛ")),
    LegalForm("ood", LIMITED, ("OOD", "ООД", "EOOD", "ЕООД")),
    LegalForm("shpk", LIMITED, ("Sh.p.k.", "shpk")),
    LegalForm("epe", LIMITED, ("EPE", "Ε.Π.Ε.", "IKE", "Ι.Κ.Ε.")),
    LegalForm("ltd sti", LIMITED, ("Ltd. Şti.", "Ltd Sti", "Limited Şirketi")),
    LegalForm("ltda", LIMITED, ("Ltda", "Ltda.")),
    LegalForm("wll", LIMITED, ("WLL", "W.L.L.", "With Limited Liability")),
    LegalForm("fze", LIMITED, ("FZE", "FZCO", "FZC")),
    LegalForm("sdn bhd", LIMITED, ("Sdn Bhd", "Sdn. Bhd.")),
    LegalForm("tnhh", LIMITED, ("TNHH", "Công ty TNHH"), prefix=True),
    # joint-stock companies
    LegalForm("sa", JOINT_STOCK, ("SA", "S.A.", "Société Anonyme", "Sociedad Anónima", "S.A. de C.V.", "SAE", "S.A.E.")),
    LegalForm("spa", JOINT_STOCK, ("SpA", "S.p.A.", "Società per Azioni")),
    LegalForm("ag", JOINT_STOCK, ("AG", "Aktiengesellschaft")),
    LegalForm("nv", JOINT_STOCK, ("NV", "N.V.", "Naamloze Vennootschap")),
    LegalForm("plc", JOINT_STOCK, ("PLC", "P.L.C.", "Public Limited Company")),
    LegalForm("jsc", JOINT_STOCK, ("JSC", "OJSC", "CJSC", "PJSC", "PSC", "Joint Stock Company", "Joint-Stock Company",
                                   "股份有限公司")),
    LegalForm("ao", JOINT_STOCK, ("AO", "АО", "ZAO", "ЗАО", "OAO", "ОАО", "PAO", "ПАО", "PAT", "ПАТ",
                                  "Акционерное общество"), prefix=True),
    LegalForm("ad", JOINT_STOCK, ("AD", "АД", "EAD", "ЕАД")),
    LegalForm("as", JOINT_STOCK, ("AS", "A/S", "A.S.", "A.Ş.", "Anonim Şirketi")),
    LegalForm("ab", JOINT_STOCK, ("AB", "Aktiebolag")),
    LegalForm("ae", JOINT_STOCK, ("AE", "ΑΕ", "Α.Ε.", "Ανώνυμη Εταιρεία")),
    LegalForm("zrt", JOINT_STOCK, ("Zrt", "Zrt.", "Nyrt", "Nyrt.")),
    LegalForm("sha", JOINT_STOCK, ("Sh.a.", "sha")),
    LegalForm("bhd", JOINT_STOCK, ("Bhd", "Berhad")),
    LegalForm("pt", JOINT_STOCK, ("PT", "P.T.", "Perseroan Terbatas"), prefix=True),
    # corporations
    LegalForm("inc", CORPORATION, ("Inc", "Inc.", "Incorporated")),
    LegalForm("corp", CORPORATION, ("Corp", "Corp.", "Corporation")),
    # partnerships
    LegalForm("llp", PARTNERSHIP, ("LLP", "L.L.P.", "Limited Liability Partnership")),
    LegalForm("lp", PARTNERSHIP, ("LP", "L.P.", "Limited Partnership")),
    LegalForm("kg", PARTNERSHIP, ("KG", "GmbH & Co. KG", "GmbH & Co KG", "Co. KG", "Kommanditgesellschaft")),
    LegalForm("ohg", PARTNERSHIP, ("OHG", "oHG", "GbR")),
    LegalForm("snc", PARTNERSHIP, ("SNC", "S.N.C.", "S.n.c.")),
    # sole traders
    LegalForm("sole trader", SOLE_TRADER, ("e.K.", "EI", "EIRL", "ИП", "Индивидуальный предприниматель", "ФОП",
                                           "Est.", "Establishment"), prefix=True),
    # cooperatives
    LegalForm("coop", COOPERATIVE, ("Coop", "Co-op", "Cooperative", "Coopérative", "Cooperativa")),
    # forms that do not say which kind
    LegalForm("co", UNSPECIFIED, ("Co", "Co.", "Company", "& Co", "& Cie", "Cie", "and Company")),
    LegalForm("sas", UNSPECIFIED, ("SAS", "S.A.S.", "SASU", "s.a.s.")),
)

# Folded spelling (as a token tuple) -> form; longest spellings are tried first.
_BY_SPELLING: dict[tuple[str, ...], LegalForm] = {}
for _form in LEGAL_FORMS:
    for _spelling in _form.spellings:
        _BY_SPELLING.setdefault(tuple(name_key(_spelling).split()), _form)
_LONGEST = max(len(tokens) for tokens in _BY_SPELLING)
_KINDS = {form.code: form.kind for form in LEGAL_FORMS}
_SHOWN = {form.code: form.spellings[0] for form in LEGAL_FORMS}

# Connecting words that carry no identity: "Smith and Sons" is "Smith & Sons" (``name_key`` drops "&").
_CONNECTORS = frozenset({"and", "und", "et", "y", "the", "of"})


@dataclass(frozen=True)
class OrganisationName:
    """An organisation name taken apart.

    core:       the name without its legal form, folded: ``"al noor trading"``.
    legal_form: the canonical legal form (``"llc"``), ``""`` when none is written.
    """

    core: str
    legal_form: str

    @property
    def compact(self) -> str:
        """The core without spaces: ``"alnoortrading"``, so "Al Noor" and "Alnoor" meet."""
        return self.core.replace(" ", "")


def legal_form_shown(code: str) -> str:
    """Return a canonical legal form as analysts write it (``"gmbh"`` -> ``"GmbH"``), ``""`` for none."""
    return _SHOWN.get(code, code)


def legal_form_kind(code: str) -> str:
    """Return the kind of a canonical legal form (``"llc"`` -> ``"limited company"``), ``""`` for none."""
    return _KINDS.get(code, "")


def _strip_end(tokens: list[str], at_start: bool) -> tuple[list[str], LegalForm | None]:
    """Take the longest legal form off one end of ``tokens``, leaving at least one token."""
    for size in range(min(_LONGEST, len(tokens) - 1), 0, -1):
        piece = tuple(tokens[:size] if at_start else tokens[-size:])
        form = _BY_SPELLING.get(piece)
        if form is not None and (form.prefix or not at_start):
            return (tokens[size:] if at_start else tokens[:-size]), form
    return tokens, None


def organisation_name(text: str) -> OrganisationName:
    """Split an organisation name into its folded core and canonical legal form.

    Parameters
    ----------
    text : str
        The name as written, in any script: ``"AL NOOR TRADING L.L.C."``, ``"ООО «Ромашка»"``.

    Returns
    -------
    OrganisationName
        ``OrganisationName("al noor trading", "llc")``, ``OrganisationName("romashka", "ooo")``. Several
        forms at the end ("Trading Co. L.L.C.") are all taken off; the one written last names the form
        unless it is unspecific ("Co."). The core is empty only when the text has no letter or digit.
    """
    tokens = [token for token in name_key(text).split() if token not in _CONNECTORS] or name_key(text).split()
    found: list[LegalForm] = []
    for at_start in (False, True):
        while True:
            tokens, form = _strip_end(tokens, at_start)
            if form is None:
                break
            found.append(form)
    specific = [form for form in found if form.kind != UNSPECIFIED]
    chosen = specific[0] if specific else (found[0] if found else None)
    return OrganisationName(" ".join(tokens), chosen.code if chosen else "")


def normalise_organisation(raw: object) -> Result:
    """Clean an organisation name.

    Parameters
    ----------
    raw : object
        The name as written: ``"Al-Noor Trading LLC"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="al noor trading", display="Al-Noor Trading LLC", parts={"legal_form": "llc",
        "legal_form_kind": "limited company"})``; ``Invalid`` when the cell is empty or holds no letter
        or digit.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty organisation name")
    name = organisation_name(text)
    if not name.core:
        return Invalid(f"an organisation name needs at least one letter or digit: {text!r}")
    return Value(key=name.core, display=text,
                 parts={"legal_form": name.legal_form or None, "legal_form_kind": legal_form_kind(name.legal_form) or None})
