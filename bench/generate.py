"""Realistic, deterministic benchmark content for all 290 municipalities, as seed files.

Per municipality: two agreements (2019–2022, 2023–2026), one medborgarlöfte a year 2019–2026
with 8–14 commitments, a follow-up for every past year (2019–2025), two contacts and a service
agreement. Commitments whose first topic counts something (TARGETS) get a measurable target,
and the follow-up entries that report on them a result for it, above, at or below the target,
some approximate ("ett 20-tal"), some over another interval (not comparable); a few results
report on no target. Targets and results draw from generators of their own, so the rest of the
content is what it was before they were added. The same arguments always give byte-identical
files: each municipality draws from its own random generator, seeded with its kommunkod.

    python -m bench.generate bench/work/content
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from models.enums import Actor, Assessment, Interval, OrganisationKind, PublicationStatus, SectionRole, TargetQualifier
from seed import format as fmt
from seed.export import document_yaml
from seed.reference import REFERENCE_DIR

FIRST_YEAR = 2019
LAST_YEAR = 2026
# Follow-ups exist for the years before this one: the content describes the spring of 2026.
CURRENT_YEAR = 2026
AGREEMENT_TERMS = ((2019, 2022), (2023, 2026))

TOPICS = (
    "narkotika",
    "alkohol",
    "trafik",
    "otrygghet",
    "trygghetsvandring",
    "grannsamverkan",
    "inbrott",
    "bedrageri",
    "ungdomar",
    "skola",
    "patrullering",
    "samordning",
    "stadsplanering",
    "naringsliv",
    "kommunikation",
    "socialtjanst",
    "medborgardialog",
)
FIRST_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kerstin",
    "Ingrid",
    "Malin",
    "Sofia",
    "Linnea",
    "Elin",
    "Ida",
    "Hanna",
    "Johanna",
    "Cecilia",
    "Helena",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Jan",
    "Hans",
    "Peter",
    "Fredrik",
    "Daniel",
    "Magnus",
    "Oskar",
    "Jonas",
    "Henrik",
    "Mats",
    "Elisabeth",
    "Ulf",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]

WORRIES = ("narkotika", "inbrott", "trafiken", "bedrägerier")
PLACES = ("centrum", "resecentrum", "stationsområdet", "idrottsplatsen", "hamnen", "torget", "skolgårdarna")
COMMITMENT_TEXTS: dict[Actor, tuple[tuple[str, tuple[str, ...]], ...]] = {
    Actor.KOMMUN: (
        ("Genomföra temainriktade trygghetsvandringar i {place}.", ("trygghetsvandring", "otrygghet")),
        ("Förbättra belysningen längs gång- och cykelvägar i {name}.", ("stadsplanering", "otrygghet")),
        ("Lyfta fram brottsförebyggande aspekter i stadsplaneringen.", ("stadsplanering",)),
        ("Genomföra temaaktiviteter mot droger för elever, personal och vårdnadshavare.", ("narkotika", "skola")),
        ("Erbjuda fältassistenter kvällstid under helger och lov.", ("ungdomar", "socialtjanst")),
        ("Samverka med näringslivet om trygghet i {place}.", ("naringsliv",)),
        ("Utbilda personal i skolan om tidiga tecken på kriminalitet.", ("skola", "ungdomar")),
        ("Ta fram en gemensam lägesbild varje månad.", ("samordning",)),
    ),
    Actor.POLIS: (
        ("Genomföra trygghetsskapande patrullering vid {place}.", ("patrullering",)),
        ("Genomföra riktade insatser mot narkotika i {name}.", ("narkotika",)),
        ("Genomföra trafikkontroller vid skolor och i {place}.", ("trafik", "skola")),
        ("Informera äldre om bedrägerier via telefon och internet.", ("bedrageri", "kommunikation")),
        ("Vara synliga i {place} under kvällar och helger.", ("patrullering", "otrygghet")),
        ("Delta i föräldramöten och besöka skolor i {name}.", ("skola", "ungdomar")),
        ("Genomföra alkohol- och drogkontroller i trafiken.", ("alkohol", "trafik")),
    ),
    Actor.TILLSAMMANS: (
        ("Kontinuerligt kommunicera om det brottsförebyggande arbetet i {name}.", ("kommunikation",)),
        ("Fortsätta utveckla arbetet med Grannsamverkan.", ("grannsamverkan", "inbrott")),
        ("Genomföra medborgardialoger i {place}.", ("medborgardialog",)),
        ("Samverka kring det drogförebyggande arbetet bland unga.", ("narkotika", "ungdomar")),
        ("Följa upp lägesbilden i Effektiv samordning för trygghet (EST).", ("samordning",)),
    ),
}
# A commitment's first topic → (what its target counts, interval, the phrase with {n}, the range of n).
TARGETS: dict[str, tuple[str, Interval, str, tuple[int, int]]] = {
    "trygghetsvandring": ("trygghetsvandringar", Interval.YEAR, "minst {n} trygghetsvandringar under året", (3, 8)),
    "patrullering": ("kvällar med patrullering", Interval.WEEK, "{n} kvällar i veckan", (2, 5)),
    "trafik": ("trafikkontroller", Interval.YEAR, "minst {n} trafikkontroller under året", (20, 60)),
    "skola": ("skolbesök", Interval.TERM, "{n} skolbesök per termin", (2, 6)),
    "grannsamverkan": ("informationsträffar", Interval.YEAR, "cirka {n} informationsträffar om året", (4, 12)),
    "medborgardialog": ("medborgardialoger", Interval.YEAR, "högst {n} medborgardialoger under året", (2, 4)),
}
QUALIFIERS = {"minst": TargetQualifier.AT_LEAST, "cirka": TargetQualifier.ABOUT, "högst": TargetQualifier.AT_MOST}

ACTOR_LABELS = {
    Actor.KOMMUN: "Kommunen lovar att",
    Actor.POLIS: "Polisen lovar att",
    Actor.TILLSAMMANS: "Tillsammans lovar vi att",
}
NARRATIVES = (
    "Insatsen har genomförts enligt plan under året och följs upp i den gemensamma lägesbilden.",
    "Arbetet har påbörjats men försenats; det fortsätter under nästa år.",
    "Aktiviteterna har genomförts vid flera tillfällen och fått gott gensvar från invånarna.",
    "Insatsen har inte kunnat genomföras fullt ut på grund av resursbrist.",
)


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    county: str

    @property
    def prefix(self) -> str:
        return f"{slugify(self.name)}-{self.code}"


@dataclass
class Counts:
    files: int = 0
    agreements: int = 0
    citizen_promises: int = 0
    commitments: int = 0
    follow_ups: int = 0
    contacts: int = 0
    service_agreements: int = 0
    by_file: dict[str, int] = field(default_factory=dict)


def slugify(text: str) -> str:
    text = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read_places(reference: Path = REFERENCE_DIR) -> list[Place]:
    with (reference / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Place(row["kommunkod"], row["name"], row["county_name"]) for row in rows]


def genitive(name: str) -> str:
    return name if name.endswith("s") else name + "s"


def _person(index: int) -> tuple[str, str]:
    """A unique name for every index below len(FIRST_NAMES) * len(LAST_NAMES)."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}", f"{slugify(first)}.{slugify(last)}"


def _paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


def municipality_document(place: Place, index: int) -> fmt.Document:
    rng = random.Random(f"samverkan-bench-{place.code}")
    prefix = place.prefix
    kommun = f"{prefix}-kommun"
    polis = f"{prefix}-lokalpolisomrade"
    organisations = [
        fmt.Organisation(
            slug=kommun,
            kind=OrganisationKind.MUNICIPALITY,
            name=f"{genitive(place.name)} kommun",
            municipality=place.code,
        ),
        fmt.Organisation(slug=polis, kind=OrganisationKind.POLICE, name=f"Lokalpolisområde {place.name}"),
    ]
    police_name, police_mail = _person(2 * index)
    safety_name, safety_mail = _person(2 * index + 1)
    contacts = [
        fmt.Contact(
            slug=f"{prefix}-kommunpolis",
            status=PublicationStatus.PUBLISHED,
            role="Kommunpolis",
            name=police_name,
            email=f"{police_mail}@polisen.se",
            phone=f"010-56{rng.randint(0, 9)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            organisation=polis,
            municipalities=[place.code],
        ),
        fmt.Contact(
            slug=f"{prefix}-trygghetssamordnare",
            status=PublicationStatus.PUBLISHED,
            role="Trygghetssamordnare",
            name=safety_name,
            email=f"{safety_mail}@{slugify(place.name)}.se",
            organisation=kommun,
            municipalities=[place.code],
        ),
    ]
    agreements = [_agreement(rng, place, kommun, polis, start, end) for start, end in AGREEMENT_TERMS]
    promises = [_promise(rng, place, year, [c.slug for c in contacts]) for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    follow_ups = [_follow_up(rng, promise) for promise in promises if promise.period.start.year < CURRENT_YEAR]
    since = dt.date(rng.randint(2005, 2018), rng.randint(1, 12), 1)
    service = fmt.ServiceAgreement(
        slug=f"{prefix}-samtjanstavtal",
        status=PublicationStatus.PUBLISHED,
        title=f"Samtjänstavtal {genitive(place.name)} kommun och Polismyndigheten",
        municipality=place.code,
        parties=[kommun, polis],
        provider=rng.choice(("Medborgarkontoret", "Kontaktcenter", "Biblioteket")) + f" i {place.name}",
        since=since,
        since_label=f"{MONTHS[since.month - 1]} {since.year}",
        services=rng.sample(
            [
                "Lämnar ut blanketter.",
                "Tar emot hittegods.",
                "Tar emot anmälningar om förlorade pass.",
                "Hjälper till med e-tjänster.",
                "Tar emot ansökningar om vapenlicens.",
            ],
            rng.randint(2, 4),
        ),
    )
    return fmt.Document(
        organisations=organisations,
        agreements=agreements,
        citizen_promises=promises,
        follow_ups=follow_ups,
        service_agreements=[service],
        contacts=contacts,
    )


def _agreement(rng: random.Random, place: Place, kommun: str, polis: str, start: int, end: int) -> fmt.Agreement:
    signed = dt.date(start, 1, rng.randint(8, 28))
    chair, _ = _person(rng.randrange(len(FIRST_NAMES) * len(LAST_NAMES)))
    chief, _ = _person(rng.randrange(len(FIRST_NAMES) * len(LAST_NAMES)))
    return fmt.Agreement(
        slug=f"{place.prefix}-samverkansoverenskommelse-{start}-{end}",
        status=PublicationStatus.PUBLISHED,
        title=f"Samverkansöverenskommelse {genitive(place.name)} kommun och lokalpolisområde {place.name}",
        period=fmt.Period(
            start=dt.date(start, 1, 1), end=dt.date(end, 12, 31), label=f"{start}-01-01 till {end}-12-31"
        ),
        signed_on=signed,
        signed_place=place.name,
        parties=[kommun, polis],
        signatories=[
            fmt.Signatory(name=chair, title="Kommunstyrelsens ordförande", organisation=kommun, signed_on=signed),
            fmt.Signatory(name=chief, title="Lokalpolisområdeschef", organisation=polis, signed_on=signed),
        ],
        summary=f"Överenskommelsen gäller det brottsförebyggande och trygghetsskapande arbetet i {place.name}.",
        sections=[
            fmt.Section(
                heading="Syfte",
                role=SectionRole.PURPOSE,
                body=f"Att minska brottsligheten och öka tryggheten i {genitive(place.name)} kommun.",
            ),
            fmt.Section(
                heading="Uppföljning",
                role=SectionRole.FOLLOW_UP,
                body="Parterna följer upp arbetet två gånger om året och redovisar det för kommunstyrelsen.",
            ),
        ],
        problem_areas=[
            fmt.ProblemArea(title="Trafik", items=["Hastighetsöverträdelser", "Farliga övergångsställen"]),
            fmt.ProblemArea(title="Narkotika", items=["Narkotikaförsäljning bland unga"]),
        ],
    )


def _promise(rng: random.Random, place: Place, year: int, contacts: list[str]) -> fmt.CitizenPromise:
    term = next(t for t in AGREEMENT_TERMS if t[0] <= year <= t[1])
    total = rng.randint(8, 14)
    kommun = rng.randint(2, total - 4)
    polis = rng.randint(2, total - kommun - 2)
    groups = ((Actor.KOMMUN, kommun), (Actor.POLIS, polis), (Actor.TILLSAMMANS, total - kommun - polis))
    commitments = []
    for actor, count in groups:
        for number, (text, topics) in enumerate(rng.sample(COMMITMENT_TEXTS[actor] * 2, count), start=1):
            commitments.append(
                fmt.Commitment(
                    key=f"{actor.value.lower()}-{number}",
                    actor=actor,
                    actor_label=ACTOR_LABELS[actor],
                    text=text.format(place=rng.choice(PLACES), name=place.name),
                    topics=list(topics),
                    targets=_targets(
                        f"{place.prefix}-{year}-{actor.value}-{number}", f"{actor.value.lower()}-{number}", topics
                    ),
                )
            )
    return fmt.CitizenPromise(
        slug=f"{place.prefix}-medborgarlofte-{year}",
        status=PublicationStatus.PUBLISHED,
        title=f"Medborgarlöfte {year}",
        municipality=place.code,
        agreement=f"{place.prefix}-samverkansoverenskommelse-{term[0]}-{term[1]}",
        period=fmt.Period(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), label=str(year)),
        summary=f"Medborgarlöftet för {year} bygger på den lokala problembilden i {place.name}.",
        problem_picture=_paragraphs(
            f"Invånarna i {genitive(place.name)} kommun känner sig generellt trygga, men otryggheten har ökat"
            f" kring {rng.choice(PLACES)} under kvällstid.",
            f"I medborgardialoger framkommer oro för {rng.choice(WORRIES)}.",
        ),
        commitments=commitments,
        contacts=contacts,
    )


def _targets(seed: str, key: str, topics: tuple[str, ...]) -> list[fmt.Target]:
    """A target for about half the commitments whose first topic counts something: about a fifth
    of all commitments (4,987 of 25,651); the files grow by about 15 %."""
    rng = random.Random(f"samverkan-bench-target-{seed}")
    if topics[0] not in TARGETS or rng.random() < 0.5:
        return []
    counted, interval, phrase, (low, high) = TARGETS[topics[0]]
    n = rng.randint(low, high)
    qualifier = QUALIFIERS.get(phrase.split()[0], TargetQualifier.EXACTLY)
    return [
        fmt.Target(
            key=f"mal-{key}",
            quantity=n,
            qualifier=qualifier,
            counted=counted,
            interval=interval,
            phrase=phrase.format(n=n),
        )
    ]


def _results(rng: random.Random, promise: fmt.CitizenPromise, keys: list[str], done: set[str]) -> list[fmt.Result]:
    """Results for the targets of the commitments an entry reports on (each target once in a
    follow-up: `done`), and now and then one on no target."""
    targets = [t for c in promise.commitments if c.key in keys for t in c.targets if t.key not in done]
    results = []
    for target in targets:
        done.add(target.key)
        quantity = max(0, round((target.quantity or 0) * rng.choice((0.5, 0.8, 1.0, 1.0, 1.2, 1.5))))
        approximate = rng.random() < 0.2
        # One result in eight counts a year against a per-term or per-week target: not comparable.
        interval = Interval.YEAR if rng.random() < 0.125 else target.interval
        phrase = f"ett {quantity}-tal {target.counted}" if approximate else f"{quantity} {target.counted}"
        results.append(
            fmt.Result(
                quantity=quantity,
                approximate=approximate,
                counted=target.counted,
                interval=interval,
                phrase=phrase,
                target=target.key,
            )
        )
    if rng.random() < 0.1:
        visits = rng.randint(5, 30)
        results.append(
            fmt.Result(quantity=visits, counted="skolbesök", interval=Interval.YEAR, phrase=f"{visits} skolbesök")
        )
    return results


def _follow_up(rng: random.Random, promise: fmt.CitizenPromise) -> fmt.FollowUp:
    year = promise.period.start.year
    keys = [c.key for c in promise.commitments]
    entries = []
    results_rng = random.Random(f"samverkan-bench-results-{promise.slug}")
    done: set[str] = set()
    for _ in range(rng.randint(3, 5)):
        reported = sorted(rng.sample(keys, rng.randint(1, 3)), key=keys.index)
        entries.append(
            fmt.FollowUpEntry(
                narrative=rng.choice(NARRATIVES),
                commitments=reported,
                assessment=rng.choice(list(Assessment)),
                results=_results(results_rng, promise, reported, done),
            )
        )
    return fmt.FollowUp(
        slug=promise.slug.replace("medborgarlofte", "uppfoljning"),
        status=PublicationStatus.PUBLISHED,
        title=f"Uppföljning medborgarlöfte {year}",
        citizen_promise=promise.slug,
        year=year,
        entries=entries,
    )


def generate(folder: Path, limit: int | None = None) -> Counts:
    """Write one seed file per municipality into `folder` (emptied of old *.yaml first)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    counts = Counts()
    for index, place in enumerate(read_places()[:limit]):
        document = municipality_document(place, index)
        name = f"{place.prefix}.yaml"
        (folder / name).write_text(document_yaml(document), encoding="utf-8")
        counts.files += 1
        counts.agreements += len(document.agreements)
        counts.citizen_promises += len(document.citizen_promises)
        counts.commitments += sum(len(p.commitments) for p in document.citizen_promises)
        counts.follow_ups += len(document.follow_ups)
        counts.contacts += len(document.contacts)
        counts.service_agreements += len(document.service_agreements)
        counts.by_file[name] = sum(len(p.commitments) for p in document.citizen_promises)
    return counts


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench/work/content")
    result = generate(target)
    print(
        f"{result.files} files: {result.agreements} agreements, {result.citizen_promises} citizen promises,"
        f" {result.commitments} commitments, {result.follow_ups} follow-ups in {target}"
    )
