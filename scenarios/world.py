"""Countries, cities, smuggling and trafficking routes, reporting systems and offence scenarios, as data.

Sources (public): routes and transit hubs follow Frontex "Migratory routes" pages (Central, Western and
Eastern Mediterranean, Western African (Atlantic), Western Balkans, Eastern land borders), UNODC
"Global Report on Trafficking in Persons" 2022/2024 (origin countries and forms of exploitation per
region) and Europol EMPACT THB / migrant smuggling reports; country codes are ISO 3166-1.
"""

from __future__ import annotations

from dataclasses import dataclass

# alpha-3 -> (alpha-2, English short name as written in case files)
COUNTRIES: dict[str, tuple[str, str]] = {
    "ESP": ("ES", "Spain"), "ITA": ("IT", "Italy"), "GRC": ("GR", "Greece"), "MLT": ("MT", "Malta"),
    "FRA": ("FR", "France"), "DEU": ("DE", "Germany"), "NLD": ("NL", "Netherlands"), "BEL": ("BE", "Belgium"),
    "AUT": ("AT", "Austria"), "GBR": ("GB", "United Kingdom"), "SWE": ("SE", "Sweden"),
    "NGA": ("NG", "Nigeria"), "GHA": ("GH", "Ghana"), "SEN": ("SN", "Senegal"), "MLI": ("ML", "Mali"),
    "GIN": ("GN", "Guinea"), "CIV": ("CI", "Côte d'Ivoire"), "GMB": ("GM", "Gambia"), "NER": ("NE", "Niger"),
    "ERI": ("ER", "Eritrea"), "ETH": ("ET", "Ethiopia"), "SDN": ("SD", "Sudan"), "LBY": ("LY", "Libya"),
    "EGY": ("EG", "Egypt"), "TUN": ("TN", "Tunisia"), "DZA": ("DZ", "Algeria"), "MAR": ("MA", "Morocco"),
    "MRT": ("MR", "Mauritania"), "ESH": ("EH", "Western Sahara"), "SYR": ("SY", "Syria"), "IRQ": ("IQ", "Iraq"),
    "LBN": ("LB", "Lebanon"), "TUR": ("TR", "Turkey"), "IRN": ("IR", "Iran"), "AFG": ("AF", "Afghanistan"),
    "PAK": ("PK", "Pakistan"), "BGD": ("BD", "Bangladesh"), "ARE": ("AE", "United Arab Emirates"),
    "VNM": ("VN", "Vietnam"), "CHN": ("CN", "China"), "RUS": ("RU", "Russia"), "BLR": ("BY", "Belarus"),
    "UKR": ("UA", "Ukraine"), "POL": ("PL", "Poland"), "CZE": ("CZ", "Czechia"), "HUN": ("HU", "Hungary"),
    "ROU": ("RO", "Romania"), "BGR": ("BG", "Bulgaria"), "SRB": ("RS", "Serbia"), "MKD": ("MK", "North Macedonia"),
    "BIH": ("BA", "Bosnia and Herzegovina"), "HRV": ("HR", "Croatia"), "SVN": ("SI", "Slovenia"),
    "ALB": ("AL", "Albania"),
}

CITIES: dict[str, tuple[str, ...]] = {
    "ESP": ("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Almería", "Murcia", "Bilbao", "Zaragoza",
            "Alicante", "Las Palmas de Gran Canaria", "Algeciras", "Girona", "Lleida"),
    "ITA": ("Roma", "Milano", "Torino", "Napoli", "Palermo", "Catania", "Bari", "Castel Volturno", "Verona",
            "Padova", "Bologna", "Genova", "Firenze", "Ragusa"),
    "GRC": ("Athens", "Thessaloniki", "Patras", "Heraklion", "Mytilene", "Larissa", "Corinth", "Alexandroupoli"),
    "MLT": ("Valletta", "Birkirkara", "Marsa", "Qormi", "Sliema", "Hal Far", "Mosta"),
    "FRA": ("Paris", "Lyon", "Marseille", "Nice", "Toulouse", "Lille", "Calais", "Bordeaux", "Strasbourg",
            "Montpellier", "Rennes", "Saint-Denis"),
    "DEU": ("Berlin", "München", "Hamburg", "Frankfurt am Main", "Köln", "Stuttgart", "Düsseldorf", "Dortmund",
            "Essen", "Leipzig", "Bremen", "Hannover"),
    "NLD": ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere"),
    "BEL": ("Bruxelles", "Antwerpen", "Liège", "Gent"), "AUT": ("Wien", "Graz", "Linz", "Salzburg"),
    "GBR": ("London", "Birmingham", "Manchester"), "SWE": ("Stockholm", "Malmö", "Göteborg"),
    "NGA": ("Benin City", "Lagos", "Kano", "Abuja", "Port Harcourt", "Enugu"), "GHA": ("Accra", "Kumasi"),
    "SEN": ("Dakar", "Saint-Louis", "Kolda", "Thiès"), "MLI": ("Bamako", "Kayes", "Sikasso"),
    "GIN": ("Conakry", "Kankan"), "CIV": ("Abidjan", "Bouaké"), "GMB": ("Banjul", "Serekunda"),
    "ERI": ("Asmara", "Keren", "Mendefera"), "ETH": ("Addis Ababa", "Gondar", "Mekelle"),
    "SDN": ("Khartoum", "Kassala", "El Fasher"), "SYR": ("Aleppo", "Damascus", "Idlib", "Homs", "Deir ez-Zor", "Daraa"),
    "IRQ": ("Baghdad", "Mosul", "Erbil", "Duhok", "Sulaymaniyah"),
    "EGY": ("Cairo", "Alexandria", "Kafr El Sheikh", "Asyut"), "LBY": ("Tripoli", "Benghazi", "Misrata"),
    "MAR": ("Casablanca", "Fès", "Béni Mellal", "Nador", "Tanger", "Khouribga"),
    "DZA": ("Oran", "Alger", "Annaba", "Mostaganem"), "TUN": ("Sfax", "Tunis", "Sousse", "Zarzis"),
    "AFG": ("Kabul", "Herat", "Kunduz", "Mazar-i-Sharif", "Jalalabad", "Kandahar"),
    "PAK": ("Lahore", "Gujrat", "Peshawar", "Quetta", "Sialkot"), "BGD": ("Dhaka", "Sylhet", "Noakhali", "Chittagong"),
    "VNM": ("Vinh", "Ha Tinh", "Hai Phong", "Hanoi", "Quang Binh"),
    "CHN": ("Wenzhou", "Fuzhou", "Qingtian", "Shenyang", "Changle"),
    "ALB": ("Tirana", "Durrës", "Shkodër", "Elbasan", "Fier", "Vlorë"),
    "UKR": ("Kyiv", "Odesa", "Kharkiv", "Lviv", "Dnipro", "Zaporizhzhia"),
    "RUS": ("Moscow", "Saint Petersburg", "Rostov-on-Don"), "TUR": ("Istanbul", "Izmir", "Mersin", "Ankara"),
    "ROU": ("Bucharest", "Craiova", "Constanța", "Iași", "Brașov", "Timișoara"),
}

# A route is origins (nationalities that travel it), transit points, and the countries it usually ends in.
Point = tuple[str, str]  # (city, alpha-3)


@dataclass(frozen=True)
class Path:
    """A travelled route: who takes it, via where, and where it usually ends."""

    origins: tuple[str, ...]
    transit: tuple[Point, ...]
    destinations: tuple[str, ...]


def _path(origins: str, transit: str, destinations: str) -> Path:
    points = tuple((p.rsplit(" ", 1)[0].strip(), p.rsplit(" ", 1)[1]) for p in transit.split(",") if p.strip())
    return Path(tuple(origins.split()), points, tuple(destinations.split()))


PATHS: tuple[Path, ...] = (
    # Central Mediterranean
    _path("NGA GHA", "Kano NGA, Agadez NER, Sabha LBY, Tripoli LBY, Lampedusa ITA", "ITA FRA DEU ESP NLD MLT"),
    _path("NGA GHA SEN MLI GIN CIV GMB", "Niamey NER, Agadez NER, Dirkou NER, Sabha LBY, Bani Walid LBY, Zuwara LBY",
          "ITA MLT"),
    _path("ERI ETH SDN", "Kassala SDN, Khartoum SDN, Kufra LBY, Ajdabiya LBY, Bani Walid LBY, Tripoli LBY",
          "ITA MLT DEU NLD"),
    _path("BGD PAK EGY SYR", "Dubai ARE, Benghazi LBY, Tripoli LBY, Zuwara LBY, Lampedusa ITA", "ITA MLT FRA"),
    _path("EGY SYR BGD", "Benghazi LBY, Tobruk LBY, Gavdos GRC, Heraklion GRC", "GRC ITA"),
    _path("TUN DZA SEN CIV GIN", "Sfax TUN, Lampedusa ITA", "ITA FRA"),
    # Western Mediterranean and Atlantic
    _path("SEN MLI GIN CIV GMB NGA", "Bamako MLI, Gao MLI, Tamanrasset DZA, Maghnia DZA, Oujda MAR, Nador MAR, Melilla ESP",
          "ESP FRA"),
    _path("MAR DZA", "Tanger MAR, Algeciras ESP", "ESP FRA NLD BEL"),
    _path("MAR DZA", "Nador MAR, Almería ESP", "ESP FRA"),
    _path("DZA", "Oran DZA, Cartagena ESP", "ESP FRA"),
    _path("SEN GMB MLI GIN MAR", "Nouadhibou MRT, Dakhla ESH, Las Palmas de Gran Canaria ESP", "ESP FRA"),
    # Eastern Mediterranean and Western Balkans
    _path("SYR IRQ", "Gaziantep TUR, Istanbul TUR, Izmir TUR, Mytilene GRC, Athens GRC", "GRC DEU NLD FRA"),
    _path("AFG PAK IRQ SYR", "Tehran IRN, Van TUR, Istanbul TUR, Edirne TUR, Sofia BGR, Belgrade SRB, Subotica SRB, "
          "Budapest HUN, Wien AUT", "DEU AUT NLD FRA BEL"),
    _path("AFG PAK BGD SYR", "Istanbul TUR, Izmir TUR, Chios GRC, Athens GRC, Thessaloniki GRC, Gevgelija MKD, "
          "Belgrade SRB, Bihać BIH, Velika Kladuša BIH, Zagreb HRV, Ljubljana SVN, Trieste ITA", "ITA DEU FRA AUT"),
    _path("SYR IRQ AFG EGY", "Mersin TUR, Crotone ITA", "ITA DEU FRA"),
    _path("IRQ SYR", "Erbil IRQ, Minsk BLR, Białystok POL", "DEU NLD"),
    _path("AFG PAK IRQ SYR MAR", "Istanbul TUR, Bodrum TUR, Kos GRC, Athens GRC, Patras GRC, Bari ITA", "ITA GRC FRA"),
    _path("SYR IRQ AFG MAR DZA PAK", "Istanbul TUR, Edirne TUR, Alexandroupoli GRC, Thessaloniki GRC", "GRC"),
    # Vietnam and China
    _path("VNM", "Moscow RUS, Minsk BLR, Warsaw POL, Berlin DEU, Paris FRA, Calais FRA", "FRA DEU NLD GBR"),
    _path("VNM CHN", "Budapest HUN, Prague CZE, Berlin DEU", "DEU NLD FRA"),
    _path("CHN", "Istanbul TUR, Belgrade SRB", "ITA GRC FRA ESP"),
    _path("CHN", "Moscow RUS", "ITA FRA ESP DEU NLD"),
    # Albania, Ukraine, Romania
    _path("ALB", "Durrës ALB, Bari ITA", "ITA FRA DEU NLD BEL GRC"),
    _path("ALB", "Vlorë ALB, Brindisi ITA", "ITA GRC FRA"),
    _path("ALB", "Kakavia ALB, Ioannina GRC", "GRC ITA"),
    _path("UKR", "Lviv UKR, Przemyśl POL, Kraków POL", "DEU NLD ESP ITA FRA"),
    _path("UKR RUS", "Chernivtsi UKR, Siret ROU, Bucharest ROU, Budapest HUN", "DEU AUT ITA"),
    _path("ROU", "Budapest HUN, Wien AUT", "DEU NLD FRA BEL AUT"),
    _path("ROU", "Arad ROU, Budapest HUN, Ljubljana SVN, Trieste ITA", "ITA ESP FRA"),
)


@dataclass(frozen=True)
class System:
    """One reporting police system: its source name, file shape, country and case mix."""

    source: str
    shape: str  # "csv" | "ndjson" | "xlsx"
    country: str  # alpha-3
    weight: float
    offences: dict[str, float]
    agencies: tuple[str, ...] = ()


SYSTEMS: tuple[System, ...] = (
    System("es-cnp", "csv", "ESP", 0.34,
           {"trafficking_sexual_exploitation": 30, "trafficking_labour_exploitation": 15, "migrant_smuggling": 30,
            "document_fraud": 10, "money_laundering": 8, "child_sexual_exploitation": 7}),
    System("it-cms", "ndjson", "ITA", 0.17,
           {"trafficking_sexual_exploitation": 30, "trafficking_labour_exploitation": 15, "migrant_smuggling": 35,
            "document_fraud": 8, "money_laundering": 7, "child_sexual_exploitation": 5},
           ("Polizia di Stato - Servizio Centrale Operativo", "Arma dei Carabinieri - ROS",
            "Guardia di Finanza - Nucleo PEF", "Polizia di Stato - Squadra Mobile Palermo")),
    System("gr-cms", "ndjson", "GRC", 0.11,
           {"trafficking_sexual_exploitation": 15, "trafficking_labour_exploitation": 10, "migrant_smuggling": 50,
            "document_fraud": 15, "money_laundering": 5, "child_sexual_exploitation": 5},
           ("Hellenic Police - Anti-Trafficking Unit", "Hellenic Coast Guard",
            "Hellenic Police - Directorate of Aliens Thessaloniki")),
    System("mt-cms", "ndjson", "MLT", 0.05,
           {"trafficking_sexual_exploitation": 15, "trafficking_labour_exploitation": 15, "migrant_smuggling": 50,
            "document_fraud": 10, "money_laundering": 10},
           ("Malta Police Force - Immigration Police", "Malta Police Force - Vice Squad", "Armed Forces of Malta")),
    System("fr-records", "xlsx", "FRA", 0.14,
           {"trafficking_sexual_exploitation": 30, "trafficking_labour_exploitation": 15, "migrant_smuggling": 20,
            "document_fraud": 12, "money_laundering": 13, "child_sexual_exploitation": 10}),
    System("de-records", "xlsx", "DEU", 0.13,
           {"trafficking_sexual_exploitation": 25, "trafficking_labour_exploitation": 25, "migrant_smuggling": 20,
            "document_fraud": 8, "money_laundering": 12, "child_sexual_exploitation": 10}),
    System("nl-records", "xlsx", "NLD", 0.06,
           {"trafficking_sexual_exploitation": 25, "trafficking_labour_exploitation": 15, "migrant_smuggling": 15,
            "document_fraud": 10, "money_laundering": 20, "child_sexual_exploitation": 15}),
)


@dataclass(frozen=True)
class Scenario:
    """Who an offence type involves: nationalities, roles, ages, routes."""

    origins: dict[str, float]  # main origin nationality of a case -> weight; "local" = the case country
    suspects: dict[str, float]  # "same" = the case's main origin nationality, "local" = case country
    roles: dict[str, float]
    victim_female: float
    victim_age: tuple[int, int, int]  # low, high, mode
    route_rate: float
    size: float


LOCAL, SAME = "local", "same"

SCENARIOS: dict[str, Scenario] = {
    "trafficking_sexual_exploitation": Scenario(
        {"NGA": 30, "ROU": 16, "ALB": 7, "UKR": 6, "CHN": 6, "VNM": 3, "MAR": 4, "RUS": 2, "GHA": 3, "CIV": 2,
         "SEN": 2, LOCAL: 4},
        {SAME: 55, LOCAL: 25, "ALB": 5, "ROU": 5, "TUR": 3},
        {"victim": 0.55, "suspect": 0.25, "facilitator": 0.1, "witness": 0.1}, 0.93, (15, 32, 20), 0.85, 1.0),
    "trafficking_labour_exploitation": Scenario(
        {"VNM": 10, "BGD": 10, "PAK": 8, "ROU": 12, "UKR": 8, "CHN": 8, "MAR": 8, "NGA": 4, "SEN": 4, "MLI": 3,
         "ALB": 3, "EGY": 4, "AFG": 3},
        {SAME: 40, LOCAL: 45, "CHN": 5, "TUR": 3},
        {"victim": 0.6, "suspect": 0.2, "facilitator": 0.1, "witness": 0.1}, 0.3, (16, 55, 28), 0.6, 1.2),
    "migrant_smuggling": Scenario(
        {"SYR": 14, "AFG": 14, "ERI": 8, "IRQ": 8, "PAK": 8, "BGD": 8, "MAR": 8, "DZA": 6, "SEN": 5, "MLI": 5,
         "GIN": 5, "CIV": 4, "NGA": 4, "EGY": 5, "TUN": 5, "SDN": 5, "ETH": 3, "VNM": 3, "GMB": 2},
        {SAME: 35, LOCAL: 10, "TUR": 15, "EGY": 5, "LBY": 5, "ALB": 3, "SYR": 5, "AFG": 5, "PAK": 4, "MAR": 3},
        {"victim": 0.72, "suspect": 0.12, "facilitator": 0.1, "witness": 0.06}, 0.22, (1, 55, 24), 1.0, 1.5),
    "document_fraud": Scenario(
        {"SYR": 6, "AFG": 4, "IRQ": 5, "NGA": 4, "ALB": 6, "UKR": 4, "CHN": 4, "VNM": 3, "MAR": 4, "ERI": 3, "PAK": 3},
        {SAME: 30, LOCAL: 20, "ALB": 10, "UKR": 5, "SYR": 5, "TUR": 5, "CHN": 5, "NGA": 5, "MAR": 5},
        {"suspect": 0.45, "facilitator": 0.25, "victim": 0.15, "witness": 0.15}, 0.35, (18, 55, 30), 0.3, 0.6),
    "money_laundering": Scenario(
        {"CHN": 15, "NGA": 10, "ALB": 8, "ROU": 8, "TUR": 8, "MAR": 5, "VNM": 3, "UKR": 3, LOCAL: 40},
        {LOCAL: 40, SAME: 30, "CHN": 8, "NGA": 5, "ALB": 5, "TUR": 5},
        {"suspect": 0.5, "facilitator": 0.35, "witness": 0.15}, 0.3, (20, 60, 35), 0.0, 0.6),
    "child_sexual_exploitation": Scenario(
        {LOCAL: 60, "ROU": 8, "NGA": 4, "VNM": 4, "ALB": 4, "MAR": 6, "AFG": 4, "UKR": 3},
        {LOCAL: 80, SAME: 10, "ROU": 5, "ALB": 3, "TUR": 2},
        {"victim": 0.45, "suspect": 0.4, "witness": 0.1, "facilitator": 0.05}, 0.75, (6, 17, 13), 0.25, 0.5),
}

OFFENCE_TYPES: tuple[str, ...] = tuple(SCENARIOS)
VICTIM_OFFENCES = frozenset(o for o, s in SCENARIOS.items() if s.roles.get("victim"))
"""Offence types whose cases have victims."""


def alpha2(alpha3: str) -> str:
    """ISO alpha-2 code of an alpha-3 code in ``COUNTRIES``."""
    return COUNTRIES[alpha3][0]


def country_name(alpha3: str) -> str:
    """English short name of an alpha-3 code in ``COUNTRIES``."""
    return COUNTRIES[alpha3][1]
