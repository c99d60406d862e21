"""Quality and cost of organisation resolution, against generated organisations with known identities.

1. Generates ``--organisations`` true organisations: a distinctive name (one or two made-up words,
   sometimes after an Arabic article), zero to two words common in company names ("Trading",
   "General", "Logistics"...), a legal form of its country, a country and a town. Each is recorded
   once to four times, by sources that write it differently: the legal form spelled otherwise
   (LLC, L.L.C., Limited Liability Company), another form of the same kind (LLC / Ltd), none, or
   another kind; capitals and hyphens; the name in Cyrillic (ООО), read back by transliteration;
   a typo; the common word moved to the front; the article joined ("Alnoor"); a common word added
   or dropped; country or town left out.
2. Distractors: every other organisation shares the common words and legal forms ("X Trading
   LLC", "Y Trading LLC"); ``--namesakes`` of them are different organisations whose distinctive
   word differs from another's by one letter, and ``--branches`` carry another's exact name in
   another country (a different legal entity, a true non-match).
3. Writes the records as a CSV file, ingests it into a fresh embedded store through a mapping, runs
   organisation resolution, and scores the proposed ``SAME_AS`` pairs (candidates at or above the
   threshold) against the truth: pairwise precision and recall at 0.5 and at the default threshold,
   recall per kind of variant, false positives per kind of distractor, and the time of each step.

The weights of ``linkgraph/resolve/organisations.py`` are not tuned to this generator: it measures them.

Run: ``python bench/bench_resolve_orgs.py [--organisations 2000] [--seed 7] [--namesakes 0.05] [--branches 0.03]``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.ingest.mapping import load_mapping  # noqa: E402
from linkgraph.ingest.pipeline import ingest_files  # noqa: E402
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD  # noqa: E402
from linkgraph.resolve.organisation_links import read_organisations, resolve_organisations  # noqa: E402
from linkgraph.resolve.organisations import score_organisations  # noqa: E402
from linkgraph.store.embedded import EmbeddedStore  # noqa: E402
from linkgraph.store.server import kill_server  # noqa: E402

Pair = tuple[str, str]

SYLLABLES = ("ka", "lor", "vex", "ban", "dor", "mi", "ra", "tel", "zan", "qu", "or", "nis", "bel", "sar", "fa",
             "lah", "noor", "am", "al", "tar", "ven", "gro", "pe", "sol", "din", "har", "mar", "kel", "to", "rin")
COMMON = ("Trading", "General Trading", "International", "Logistics", "Group", "Import Export", "Services",
          "Holding", "Shipping", "Transport", "Construction", "Investments", "Global", "Commercial")
# country -> (legal forms as (canonical spelling, other spellings of the same form), towns)
COUNTRIES = {
    "ARE": ([("LLC", ("L.L.C.", "Limited Liability Company", "llc")), ("FZE", ("FZE",))], ("Dubai", "Sharjah", "Abu Dhabi")),
    "GBR": ([("Ltd", ("Limited", "LTD.", "Ltd.")), ("PLC", ("P.L.C.", "plc"))], ("London", "Manchester")),
    "DEU": ([("GmbH", ("G.m.b.H.", "GMBH")), ("AG", ("Aktiengesellschaft",))], ("Hamburg", "Berlin", "Köln")),
    "ESP": ([("S.L.", ("SL", "Sociedad Limitada")), ("S.A.", ("SA", "Sociedad Anónima"))], ("Madrid", "Valencia")),
    "ITA": ([("S.r.l.", ("SRL", "S.R.L.")), ("S.p.A.", ("SpA", "S.P.A."))], ("Milano", "Napoli", "Roma")),
    "FRA": ([("SARL", ("S.A.R.L.", "Sarl")), ("S.A.", ("SA",))], ("Marseille", "Paris", "Lyon")),
    "NLD": ([("B.V.", ("BV", "B.V")), ("N.V.", ("NV",))], ("Rotterdam", "Amsterdam")),
    "RUS": ([("OOO", ("ООО", "O.O.O.")), ("AO", ("АО",))], ("Moskva", "Sankt-Peterburg")),
    "TUR": ([("Ltd. Şti.", ("Ltd Sti", "Limited Şirketi")), ("A.Ş.", ("AS",))], ("Istanbul", "Izmir")),
    "NGA": ([("Ltd", ("Limited", "LTD")), ("PLC", ("Plc",))], ("Lagos", "Abuja")),
}
SAME_KIND = {"LLC": "Ltd", "Ltd": "LLC", "GmbH": "LLC", "S.L.": "S.r.l.", "S.r.l.": "S.L.", "SARL": "Ltd", "B.V.": "Ltd",
             "OOO": "LLC", "Ltd. Şti.": "Ltd", "FZE": "LLC", "PLC": "S.A.", "AG": "S.A.", "S.A.": "AG", "S.p.A.": "S.A.",
             "N.V.": "AG", "AO": "S.A.", "A.Ş.": "AG"}
OTHER_KIND = {"LLC": "Inc", "Ltd": "S.A.", "GmbH": "AG", "S.L.": "S.A.", "S.r.l.": "S.p.A.", "SARL": "S.A.",
              "B.V.": "N.V.", "OOO": "AO", "Ltd. Şti.": "A.Ş.", "FZE": "Inc", "PLC": "Ltd", "AG": "GmbH",
              "S.A.": "S.L.", "S.p.A.": "S.r.l.", "N.V.": "B.V.", "AO": "OOO", "A.Ş.": "Ltd. Şti."}
CYRILLIC = [("sh", "ш"), ("ch", "ч"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("oo", "у"), ("ee", "и"), ("x", "кс"),
            ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("k", "к"),
            ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
            ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("y", "й"), ("w", "в"), ("j", "дж"), ("q", "к")]
CYRILLIC_WORDS = {"trading": "трейдинг", "general": "дженерал", "international": "интернешнл", "logistics": "логистикс",
                  "group": "груп", "services": "сервисез", "holding": "холдинг", "shipping": "шиппинг",
                  "transport": "транспорт", "global": "глобал", "import": "импорт", "export": "экспорт"}
MAPPING = """\
source: bench-orgs
reader: {format: csv, delimiter: ","}
record_id: record_id
entities:
  org:
    type: Organisation
    id: record_id
    properties:
      name: {column: name, required: true}
      country: {column: country, normalise: country}
      locality: city
"""


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def to_cyrillic(text: str) -> str:
    """A Latin name in Cyrillic as a Russian register might write it (lossy, as real transliteration is)."""
    words = []
    for word in text.lower().split():
        if word in CYRILLIC_WORDS:
            words.append(CYRILLIC_WORDS[word])
            continue
        out, index = "", 0
        while index < len(word):
            for latin, cyr in CYRILLIC:
                if word.startswith(latin, index):
                    out, index = out + cyr, index + len(latin)
                    break
            else:
                out, index = out + word[index], index + 1
        words.append(out)
    return " ".join(w.capitalize() for w in words)


def typo(rng: random.Random, word: str) -> str:
    """One edit (substitution, deletion, doubling or swap) inside ``word``."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("sub", "del", "double", "swap"))
    if kind == "sub":
        return word[:i] + rng.choice("aeiourlnst") + word[i + 1:]
    if kind == "del":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def organisation(rng: random.Random) -> dict:
    country = rng.choice(list(COUNTRIES))
    forms, towns = COUNTRIES[country]
    article = rng.random() < 0.25
    stem = [made_up_word(rng) for _ in range(rng.choice((1, 1, 2)))]
    return {"article": "Al" if article else "", "stem": stem, "common": rng.choice(((),) + tuple((c,) for c in COMMON)),
            "form": rng.choice(forms)[0], "country": country, "city": rng.choice(towns)}


def spelled(org: dict) -> str:
    words = ([f"{org['article']}-{org['stem'][0]}"] if org["article"] else [org["stem"][0]]) + org["stem"][1:]
    return " ".join([*words, *org["common"], org["form"]]).strip()


def variant(rng: random.Random, org: dict) -> tuple[str, str, str, list[str]]:
    """One source's record of ``org``: (name, country, city, the variations applied)."""
    applied: list[str] = []
    org = {**org, "stem": list(org["stem"]), "common": list(org["common"])}
    forms = dict(COUNTRIES[org["country"]][0])
    draw = rng.random()
    if draw < 0.3:
        org["form"] = rng.choice(forms.get(org["form"], (org["form"],)))
        applied.append("form spelling")
    elif draw < 0.45:
        org["form"] = SAME_KIND[org["form"]]
        applied.append("form of same kind")
    elif draw < 0.6:
        org["form"] = ""
        applied.append("no form")
    elif draw < 0.65:
        org["form"] = OTHER_KIND[org["form"]]
        applied.append("form of other kind")
    if rng.random() < 0.2:
        index = rng.randrange(len(org["stem"]))
        org["stem"][index] = typo(rng, org["stem"][index])
        applied.append("typo")
    if org["article"] and rng.random() < 0.3:
        org["stem"][0] = org["article"] + org["stem"][0].lower()
        org["article"] = ""
        applied.append("joined article")
    if rng.random() < 0.1:
        if org["common"]:
            org["common"] = []
            applied.append("common word dropped")
        else:
            org["common"] = ["General"]
            applied.append("common word added")
    name = spelled(org)
    if org["common"] and rng.random() < 0.1:
        common = " ".join(org["common"])
        name = f"{common} {name.replace(' ' + common, '', 1)}"
        applied.append("word order")
    if rng.random() < 0.12:
        form = org["form"]
        core = name[: -len(form)].strip() if form and name.endswith(form) else name
        joint_stock = form in ("PLC", "AG", "S.A.", "S.p.A.", "N.V.", "AO", "A.Ş.", "Inc")
        name = f"{to_cyrillic(core)} {'АО' if joint_stock else 'ООО'}" if form else to_cyrillic(core)
        applied.append("cyrillic")
    draw = rng.random()
    if draw < 0.2:
        name = name.upper()
        applied.append("capitals")
    elif draw < 0.3:
        name = name.replace("-", " ").replace(".", "")
        applied.append("punctuation")
    country = "" if rng.random() < 0.3 else org["country"]
    city = "" if rng.random() < 0.5 else org["city"]
    if not country:
        applied.append("no country")
    return name, country, city, applied or ["unchanged"]


def generate(count: int, seed: int, namesakes: float, branches: float) -> list[dict]:
    """Records of ``count`` organisations: {record_id, name, country, city, identity, applied, distractor}."""
    rng = random.Random(seed)
    records: list[dict] = []
    orgs: list[dict] = []
    for number in range(count):
        distractor = ""
        if orgs and rng.random() < namesakes:
            org = {**rng.choice(orgs)}
            org["stem"] = [typo(rng, org["stem"][0]), *org["stem"][1:]]
            distractor = "namesake"
        elif orgs and rng.random() < branches:
            org = {**rng.choice(orgs)}
            org["country"] = rng.choice([c for c in COUNTRIES if c != org["country"]])
            org["city"] = rng.choice(COUNTRIES[org["country"]][1])
            distractor = "branch abroad"
        else:
            org = organisation(rng)
        orgs.append(org)
        copies = rng.choices((1, 2, 3, 4), weights=(45, 35, 15, 5))[0]
        for copy in range(copies):
            name, country, city, applied = (spelled(org), org["country"], org["city"], ["first"]) if copy == 0 \
                else variant(rng, org)
            if distractor and copy == 0:
                country = org["country"]  # a branch abroad is told apart by its country only when recorded
            records.append({"record_id": f"O{number:06d}-{copy}", "name": name, "country": country, "city": city,
                            "identity": f"I{number:06d}", "applied": applied, "distractor": distractor})
    return records


def true_pairs(records: list[dict]) -> set[Pair]:
    by_identity: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_identity[record["identity"]].append(f"bench-orgs:{record['record_id']}")
    return {tuple(sorted(pair)) for members in by_identity.values() for pair in itertools.combinations(members, 2)}


def report(records: list[dict], scored: dict[Pair, float], truth: set[Pair]) -> None:
    by_key = {f"bench-orgs:{r['record_id']}": r for r in records}
    for threshold in (0.5, DEFAULT_THRESHOLD):
        proposed = {pair for pair, p in scored.items() if p >= threshold}
        hits = proposed & truth
        precision = len(hits) / len(proposed) if proposed else 1.0
        recall = len(hits) / len(truth) if truth else 1.0
        print(f"  at {threshold:g}: proposed {len(proposed):,}, true {len(truth):,}, correct {len(hits):,}: "
              f"precision {precision:.3f}, recall {recall:.3f}")
    proposed = {pair for pair, p in scored.items() if p >= DEFAULT_THRESHOLD}
    found, missed = Counter(), Counter()
    for left, right in truth:
        for kind in set(by_key[left]["applied"] + by_key[right]["applied"]) - {"first"}:
            (found if (left, right) in proposed else missed)[kind] += 1
    print(f"  recall at {DEFAULT_THRESHOLD:g} per variation (pairs where either record has it):")
    for kind in sorted(set(found) | set(missed), key=lambda k: -(found[k] + missed[k])):
        print(f"    {kind:<22} {found[kind] / (found[kind] + missed[kind]):.3f} of {found[kind] + missed[kind]:,}")
    wrong = Counter()
    for left, right in proposed - truth:
        kinds = {by_key[left]["distractor"], by_key[right]["distractor"]} - {""}
        wrong[", ".join(sorted(kinds)) or "other"] += 1
    print(f"  false positives at {DEFAULT_THRESHOLD:g} by distractor: {dict(wrong) or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--namesakes", type=float, default=0.05)
    parser.add_argument("--branches", type=float, default=0.03)
    args = parser.parse_args()
    records = generate(args.organisations, args.seed, args.namesakes, args.branches)
    truth = true_pairs(records)
    print(f"{args.organisations:,} organisations, {len(records):,} records, {len(truth):,} true pairs "
          f"(seed {args.seed})")
    with tempfile.TemporaryDirectory(prefix="bench-orgs-") as folder:
        root = Path(folder)
        data, mapping = root / "orgs.csv", root / "orgs.yaml"
        with open(data, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["record_id", "name", "country", "city"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        mapping.write_text(MAPPING, encoding="utf-8")
        store_dir = root / "store"
        try:
            with EmbeddedStore(store_dir) as store:
                store.init_schema()
                clock = time.perf_counter()
                ingest_files(store, [data], load_mapping(str(mapping)), rejects_path=root / "rejects.csv")
                ingested = time.perf_counter() - clock
                clock = time.perf_counter()
                read, _ = read_organisations(store)
                reading = time.perf_counter() - clock
                clock = time.perf_counter()
                score_organisations(read, 0.01)
                scoring = time.perf_counter() - clock
                clock = time.perf_counter()
                summary = resolve_organisations(store, "bench-run", DEFAULT_THRESHOLD)
                whole = time.perf_counter() - clock
                rows = store.read("MATCH (a:Organisation)-[s:SAME_AS]->(b:Organisation) "
                                  "WHERE s.status = 'candidate' RETURN a.key, b.key, s.probability").rows
                clock = time.perf_counter()
                again = resolve_organisations(store, "bench-run-2", DEFAULT_THRESHOLD)
                rerun = time.perf_counter() - clock
        finally:
            kill_server(store_dir)
    scored = {tuple(sorted((left, right))): probability for left, right, probability in rows}
    print(f"ingest {ingested:.1f} s; read {reading:.2f} s; scoring alone {scoring:.2f} s; resolve_organisations "
          f"(read, score, write {summary.stored:,} pairs, identities) {whole:.1f} s; re-run with nothing new "
          f"{rerun:.2f} s ({again.new} new)")
    report(records, scored, truth)


if __name__ == "__main__":
    main()
