"""Organisation resolution: which organisation records name one organisation, scored by rules with evidence.

Two records are compared when they share a block key (a distinctive word of the core name, the sound
of a word, or the start of the name written without spaces). Each feature below is a small function
returning an evidence sentence and its weight in bits (the log2 of the Bayes factor it stands for,
as person evidence is); the weights are summed with a prior and turned into a probability
``2**w / (1 + 2**w)``. The sentence is what the analyst reads on the ``SAME_AS`` link.

Why rules and not a trained model, as persons have: an organisation record carries a name and at
best a country and a town, so there is little for expectation maximisation to separate matches from
non-matches with, stores hold few organisations, and nobody labels organisation pairs. A handful of
named rules whose weights an analyst can read and argue with is then worth more than a fitted model.
The weights are set from what each fact means for real registered companies (below), not fitted to
a generator; ``bench/bench_resolve_orgs.py`` measures them.

Word frequencies come from the store itself: a word held by many of its organisations' names
("trading", "international", "al") is weak evidence when shared, a rare one strong. The frequency
is smoothed towards a prior (``GENERIC_WORDS`` common, any other word rare) worth
``PRIOR_ORGANISATIONS`` organisations, so a store of ten organisations does not take "trading" for a
rare word and a store of a million speaks for itself.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import jellyfish
from rapidfuzz import fuzz

from linkgraph.ingest.normalise.organisations import (
    UNSPECIFIED,
    OrganisationName,
    legal_form_kind,
    legal_form_shown,
    organisation_name,
)

__all__ = ["FEATURES", "GENERIC_WORDS", "OrganisationRecord", "ScoredPair", "TokenWeights", "score_organisations"]

#: Words that many organisation names hold in every country (English, the case-file countries'
#: languages, transliterated): a shared one says little.
GENERIC_WORDS = frozenset("""
al el la le de di du des del da der den van von
trading trade traders treiding torgovyi torgovaia torgovlia dom general international intl internacional
internazionale internationale mezhdunarodnyi global group groupe grupo gruppo gruppe grupp holding holdings
services service servicios servizi servis company kompaniia compagnie compania import export impex imports
exports enterprise enterprises industries industrial industria logistics logistic logistik logistica
logistique transport transports transportes trasporti shipping cargo freight express travel tours tourism
consulting consultants invest investment investments construction constructions construcciones costruzioni
stroi solutions management partners commercial comercial commerciale commerce business world worldwide
united national new first star gold golden euro europe european africa african asia middle east west north
south sons brothers bros fils hermanos fratelli agency agencia center centre trans auto motors energy oil
petroleum foods food textiles textile marine maritime real estate properties development technologies
technology tech systems media security sharika shrk kholding eksport dzheneral interneshnl logistiks
""".split())

#: The frequency of a word is read as if the store held this many more organisations, in which a
#: generic word appears in 1 of 20 names and any other word in 1 of 1,000.
PRIOR_ORGANISATIONS = 1000
_GENERIC_SHARE, _OTHER_SHARE = 1 / 20, 1 / 1000

#: A word held by fewer than 1 in 2**7 = 128 organisation names is distinctive: a name made only of
#: words more common than that ("International Trading") says little even when equal.
DISTINCTIVE_BITS = 7.0

#: A block key held by more organisations than this is not used to pair them (every pair of a
#: thousand names starting "International" would be compared): too common to be evidence anyway.
MAX_BLOCK = 100

#: Two organisation records taken from one block are seldom the same organisation: the prior.
PRIOR_BITS = -5.0


@dataclass(frozen=True)
class OrganisationRecord:
    """One ``Organisation`` as resolution reads it: key, name as written, ISO country, folded town, source."""

    key: str
    name: str
    country: str = ""
    locality: str = ""
    source: str = ""
    parsed: OrganisationName = field(init=False)

    tokens: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parsed", organisation_name(self.name or ""))
        object.__setattr__(self, "tokens", self.parsed.core.split())  # the words of the core name


class TokenWeights:
    """The information (bits) of each core-name word, from its frequency in the store, smoothed."""

    def __init__(self, records: Iterable[OrganisationRecord]) -> None:
        self.counts: Counter[str] = Counter()
        self.total = 0
        self._bits: dict[str, float] = {}
        for record in records:
            self.total += 1
            self.counts.update(set(record.tokens))

    def __call__(self, token: str) -> float:
        bits = self._bits.get(token)
        if bits is None:
            share = _GENERIC_SHARE if token in GENERIC_WORDS else _OTHER_SHARE
            bits = -math.log2((self.counts[token] + PRIOR_ORGANISATIONS * share) / (self.total + PRIOR_ORGANISATIONS))
            self._bits[token] = bits
        return bits

    def distinctive(self, token: str) -> bool:
        """Whether ``token`` is held by fewer than 1 in 128 organisation names."""
        return self(token) >= DISTINCTIVE_BITS


@dataclass(frozen=True)
class ScoredPair:
    """A scored pair (left key < right key) with its probability, weight and evidence, strongest first."""

    left: str
    right: str
    probability: float
    match_weight: float
    evidence: list[str]


Evidence = tuple[str, float] | None
_sound = lru_cache(maxsize=200_000)(jellyfish.metaphone)
Feature = Callable[[OrganisationRecord, OrganisationRecord, TokenWeights], Evidence]


@lru_cache(maxsize=1_000_000)  # the same few thousand words meet again and again across pairs
def _token_similarity(a: str, b: str) -> float:
    """How alike two words are, 0 to 1: equal 1; a spelling or transliteration variant (edit similarity
    0.8 or more, or the same Metaphone sound for words of three letters or more) about 0.8 to 0.95;
    anything else 0. Words with digits agree only when equal ("Trading 1" is not "Trading 2")."""
    if a == b:
        return 1.0
    if len(a) < 3 or len(b) < 3 or not (a + b).isalpha():
        return 0.0
    ratio = fuzz.ratio(a, b) / 100
    if _sound(a) == _sound(b):
        ratio = max(ratio, 0.9)
    return ratio if ratio >= 0.8 else 0.0


def _joined(tokens: list[str], other: list[str]) -> list[str]:
    """``tokens`` with two neighbours written as one word where ``other`` writes them so ("al nur" and
    "alnoor"): a name split or joined differently is the same name."""
    joined: list[str] = []
    index = 0
    while index < len(tokens):
        if index + 1 < len(tokens):
            pair = tokens[index] + tokens[index + 1]
            alone = max((_token_similarity(tokens[index], o) for o in other), default=0.0)
            if alone < 1.0 and any(_token_similarity(pair, o) > alone for o in other):
                joined.append(pair)
                index += 2
                continue
        joined.append(tokens[index])
        index += 1
    return joined


def name_similarity(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights
                    ) -> tuple[float, list[str]]:
    """The share of the two core names' information that agrees, 0 to 1, in any word order, and the
    common words only one of the names holds.

    Each word of one name is matched to its most alike word of the other; its weight (rare words
    weigh more) times that likeness counts as agreeing. The two directions are averaged. When the names
    share a distinctive word, a common word only one of them holds ("Al Noor Trading" and "Al Noor")
    is left out of the share and returned instead: registers and letterheads add and drop "Trading" or
    "General" freely. Common words differing on both sides ("Kagro Global", "Kagro Construction") and a
    distinctive word only one holds ("Al Noor Pharma") always count against.
    """
    if left.parsed.compact == right.parsed.compact:
        return 1.0, []
    left_tokens, right_tokens = left.tokens, right.tokens
    if len(left_tokens) != len(right_tokens):  # a word written as two on one side only
        left_tokens, right_tokens = _joined(left_tokens, right_tokens), _joined(right_tokens, left_tokens)
    likeness = {}
    for one, other in ((left_tokens, right_tokens), (right_tokens, left_tokens)):
        for token in one:
            likeness[token] = max((_token_similarity(token, o) for o in other), default=0.0)
    shared_distinctive = any(weights.distinctive(token) and likeness[token] > 0 for token in likeness)
    unmatched = [{token for token in one if likeness[token] == 0 and not weights.distinctive(token)}
                 for one in (left_tokens, right_tokens)]
    # Added on one side only; common words differing on both sides ("Global" / "Construction") conflict.
    extra = sorted(unmatched[0] or unmatched[1]) if shared_distinctive and not (unmatched[0] and unmatched[1]) else []
    shares = []
    for one in (left_tokens, right_tokens):
        counted = [token for token in one if token not in extra]
        total = sum(weights(token) for token in counted)
        shares.append(sum(weights(token) * likeness[token] for token in counted) / total if total else 0.0)
    return sum(shares) / 2, extra


def same_name(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights) -> Evidence:
    """same name (legal form aside, any script, spacing or word order), the same but for a common word,
    names alike but for spelling, names partly alike, or different names; a name of common words only
    weighs little."""
    similarity, extra = name_similarity(left, right, weights)
    similarity = round(similarity, 9)  # 0.9 computed as 0.8999999 is 0.9
    if left.parsed.compact == right.parsed.compact or sorted(left.tokens) == sorted(right.tokens):
        if any(weights.distinctive(token) for token in left.tokens):
            reordered = left.parsed.compact != right.parsed.compact
            return f"same name{', words in another order' if reordered else ''}", 9.0
        return "same name, made only of common words", 3.0
    but = f" (one name adds {', '.join(extra)})" if extra else ""
    if similarity == 1.0:
        return f"same name but for common words{but}", 7.0
    if similarity >= 0.9:
        return f"names alike but for spelling{but}", 7.0
    if similarity >= 0.75:
        return f"names partly alike{but}", 1.0
    return "different names", -8.0


def same_legal_form(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights) -> Evidence:
    """same legal form; forms of one kind in two languages (LLC and OOO); or legal forms of different
    kinds (LLC and S.A.), which a group gives two companies of one name. Nothing when a side has none."""
    a, b = left.parsed.legal_form, right.parsed.legal_form
    if not a or not b:
        return None
    shown_a, shown_b = legal_form_shown(a), legal_form_shown(b)
    if a == b:
        return f"same legal form ({shown_a})", 1.0
    kind_a, kind_b = legal_form_kind(a), legal_form_kind(b)
    if UNSPECIFIED in (kind_a, kind_b):
        return None
    if kind_a == kind_b:
        return f"legal forms {shown_a} and {shown_b}, both a {kind_a}", 0.0
    return f"different legal forms: {shown_a} ({kind_a}) and {shown_b} ({kind_b})", -2.0


def same_country(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights) -> Evidence:
    """same country, or different countries: a company of one name registered in two countries is two
    legal entities (a branch or a namesake), so this weighs against, without ruling out."""
    if not left.country or not right.country:
        return None
    if left.country == right.country:
        return f"same country ({left.country})", 1.5
    return f"different countries ({left.country}, {right.country})", -4.0


def same_locality(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights) -> Evidence:
    """same town or city; or different ones in one country (a company moves, or records its branch)."""
    if not left.locality or not right.locality or (left.country and right.country and left.country != right.country):
        return None
    if left.locality == right.locality:
        return "same town or city", 1.0
    return "different towns or cities", -1.0


#: The features, in the order their sentences are shown when equally strong.
FEATURES: tuple[Feature, ...] = (same_name, same_legal_form, same_country, same_locality)


def _sentence(text: str, weight: float) -> str:
    return f"{text}, {weight:+.1f}"


def score_pair(left: OrganisationRecord, right: OrganisationRecord, weights: TokenWeights) -> ScoredPair:
    """Score one pair: the features' evidence (strongest first, then the prior) and the probability."""
    found = [evidence for feature in FEATURES if (evidence := feature(left, right, weights)) is not None]
    total = PRIOR_BITS + sum(weight for _, weight in found)
    found.sort(key=lambda item: -abs(item[1]))
    evidence = [_sentence(text, weight) for text, weight in found]
    evidence.append(_sentence("prior: two organisation records are seldom one organisation", PRIOR_BITS))
    first, second = sorted((left.key, right.key))
    return ScoredPair(first, second, 1 / (1 + 2 ** -total), total, evidence)


def _block_keys(record: OrganisationRecord, weights: TokenWeights) -> set[str]:
    """Keys under which ``record`` is compared: its whole core name, its distinctive words and their
    sounds, and the start of its name written without spaces. A common word is no key: two names
    sharing only "trading" are never a match worth the comparison."""
    distinctive = [token for token in record.tokens if weights.distinctive(token)]
    keys = {f"f:{record.parsed.core}"} | {f"w:{token}" for token in distinctive}
    keys |= {f"s:{code}" for token in distinctive if len(token) >= 3 and len(code := _sound(token)) >= 2}
    if len(record.parsed.compact) >= 4:
        keys.add(f"c:{record.parsed.compact[:6]}")
    return keys


def candidate_pairs(records: list[OrganisationRecord], only: set[str] | None = None,
                    weights: TokenWeights | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) of ``records`` sharing a block key held by at most ``MAX_BLOCK`` records; with
    ``only``, just the pairs touching one of those keys."""
    weights = weights or TokenWeights(records)
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        if record.parsed.core:
            for key in _block_keys(record, weights):
                blocks[key].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        touching = members if only is None else [m for m in members if records[m].key in only]
        for i in touching:
            for j in members:
                if i != j:
                    pairs.add((min(i, j), max(i, j)))
    return pairs


def score_organisations(records: list[OrganisationRecord], floor: float, only: set[str] | None = None
                        ) -> list[ScoredPair]:
    """Score the candidate pairs of ``records`` (those touching ``only`` when given); return those at or
    above probability ``floor``, most probable first. Word frequencies are those of all ``records``."""
    weights = TokenWeights(records)
    scored = [score_pair(records[i], records[j], weights) for i, j in candidate_pairs(records, only, weights)]
    found = [pair for pair in scored if pair.probability >= floor]
    return sorted(found, key=lambda pair: (-pair.probability, pair.left, pair.right))
