"""The one validation of content: per file against the format, then across files and data.

The loader and the editorial mutations both call `validate_documents`; problems carry the
field path and, for files, the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from models.enums import SuccessionKind
from seed import format as fmt
from seed import hours, reading
from seed.yamlio import ParsedFile, PathKey, Problem, format_path


@dataclass(frozen=True)
class Located:
    """An item and where it was written."""

    item: BaseModel
    file: ParsedFile
    path: PathKey

    @property
    def document(self) -> str:
        return self.file.path.stem


@dataclass
class Bundle:
    """Everything a set of seed files holds, indexed by type and slug."""

    organisations: dict[str, Located] = field(default_factory=dict)
    areas: dict[str, Located] = field(default_factory=dict)
    items: dict[str, dict[str, Located]] = field(default_factory=lambda: {kind: {} for kind in fmt.CONTENT_TYPES})
    files: list[ParsedFile] = field(default_factory=list)
    # References to items in none of the files that could not be checked: no database was asked
    # (`Known.complete` False). Not problems; `seed check` lists them as skipped.
    unchecked: list[Problem] = field(default_factory=list)

    def count(self) -> int:
        return len(self.organisations) + len(self.areas) + sum(len(items) for items in self.items.values())


@dataclass(frozen=True)
class Known:
    """What the database already holds that files may refer to without defining."""

    municipalities: frozenset[str]
    police_units: frozenset[str]
    topics: frozenset[str]
    organisations: frozenset[str] = frozenset()
    agreements: frozenset[str] = frozenset()
    contacts: frozenset[str] = frozenset()
    # (municipality, parent slug) of areas already stored, by slug.
    areas: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    # Commitment keys of citizen promises in the database, by promise slug.
    commitment_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The actors of those promises' commitments, by promise slug.
    promise_actors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Target keys and periods of those promises, by promise slug.
    target_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    promise_periods: Mapping[str, fmt.Period] = field(default_factory=dict)
    # What stored follow-ups report on, of the promises being written: by promise slug,
    # ("commitments" or "targets", key, follow-up slug). A promise may not drop what they name.
    reported: Mapping[str, frozenset[tuple[str, str, str]]] = field(default_factory=dict)
    # The kind (agreements, follow_ups, …) of stored content items that succession links name,
    # by slug (citizen promises are those of `commitment_keys`).
    item_kinds: Mapping[str, str] = field(default_factory=dict)
    # (email, phone) of people already stored, by person key.
    people: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # False: only the project's reference data, no database; what only a database could
    # confirm (organisations, agreements, contacts, citizen promises and police units that no
    # file defines) is left unchecked rather than reported.
    complete: bool = True


def seed_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def read_files(
    paths: Iterable[Path], base: Path | None = None, *, parallel_bytes: int = reading.PARALLEL_BYTES
) -> tuple[list[ParsedFile], list[Problem]]:
    """Every file parsed, or the problem that refused it, in order; on every core from
    `parallel_bytes` in all (seed.reading)."""
    jobs = [(path, str(path.relative_to(base)) if base and path.is_relative_to(base) else str(path)) for path in paths]
    parsed: list[ParsedFile] = []
    problems: list[Problem] = []
    for result in reading.read_all(jobs, parallel_bytes):
        if isinstance(result, ParsedFile):
            parsed.append(result)
        else:
            problems.append(result)
    return parsed, problems


def pydantic_problems(
    error: ValidationError, file: str, lines: ParsedFile | None, prefix: PathKey = ()
) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        path: PathKey = (*prefix, *detail["loc"])
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] not in {"missing", "extra_forbidden"} and "input" in detail and "(got " not in message:
            shown = repr(detail["input"])
            message += f" (got {shown[:60] + '…' if len(shown) > 60 else shown})"
        if detail["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        line = lines.line_of(path) if lines else 0
        problems.append(Problem(file, line, format_path(path), message))
    return problems


def validate_documents(files: list[ParsedFile], known: Known) -> tuple[Bundle, list[Problem]]:
    bundle, problems = index_documents(files)
    return bundle, problems + cross_check(bundle, known)


def index_documents(files: list[ParsedFile]) -> tuple[Bundle, list[Problem]]:
    """Each file against the format, indexed by type and slug; nothing read from the database."""
    bundle = Bundle(files=files)
    problems: list[Problem] = []
    for parsed in files:
        name = parsed.display
        if not isinstance(parsed.data, dict):
            problems.append(Problem(name, 1, "(file)", "a seed file is a mapping of lists (organisations:, …)"))
            continue
        try:
            document = fmt.Document.model_validate(parsed.data)
        except ValidationError as error:
            problems.extend(pydantic_problems(error, name, parsed))
            continue
        _index(bundle, document, parsed, problems)
    return bundle, problems


def references(bundle: Bundle) -> dict[str, set[str]]:
    """The slugs the bundle's items refer to, by the kind they name (police_units,
    organisations, contacts, agreements, citizen_promises): what a write depends on."""
    found: dict[str, set[str]] = {
        "police_units": set(),
        "organisations": set(),
        "contacts": set(),
        "agreements": set(),
        "citizen_promises": set(),
        "areas": set(),
        # Content items of any kind that succession links name (their promises are in
        # "citizen_promises" too, for their commitment keys and periods).
        "items": set(),
    }

    def succession(links: list[fmt.Succession]) -> None:
        for link in links:
            slug = link.target.partition("#")[0]
            found["items"].add(slug)
            found["citizen_promises"].add(slug)

    for located in bundle.areas.values():
        assert isinstance(located.item, fmt.Area)
        if located.item.parent:
            found["areas"].add(located.item.parent)
    for located in bundle.organisations.values():
        assert isinstance(located.item, fmt.Organisation)
        if located.item.police_unit:
            found["police_units"].add(located.item.police_unit)
        found["organisations"].update(r.organisation for r in located.item.contact_roles if r.organisation)
    for kind, items in bundle.items.items():
        for located in items.values():
            item = located.item
            if isinstance(item, fmt.Agreement):
                found["organisations"].update(item.parties)
                found["organisations"].update(m for body in item.bodies for m in body.members)
                found["organisations"].update(s.organisation for s in item.signatories if s.organisation)
            elif isinstance(item, fmt.CitizenPromise):
                found["contacts"].update(item.contacts)
                found["organisations"].update(item.parties)
                found["organisations"].update(s.organisation for s in item.signatories if s.organisation)
                found["organisations"].update(r.organisation for r in item.contact_roles if r.organisation)
                if item.agreement:
                    found["agreements"].add(item.agreement)
                if item.area:
                    found["areas"].add(item.area)
                succession(item.succession)
                for commitment in item.commitments:
                    succession(commitment.succession)
                    if commitment.area:
                        found["areas"].add(commitment.area)
                    found["organisations"].update(commitment.partners)
                    found["organisations"].update(commitment.performed_by)
            elif isinstance(item, fmt.FollowUp):
                found["citizen_promises"].add(item.citizen_promise)
                succession(item.succession)
                if item.author and item.author.organisation:
                    found["organisations"].add(item.author.organisation)
            elif isinstance(item, fmt.ServiceAgreement):
                found["organisations"].update(item.parties)
                found["areas"].update(point.area for point in item.points if point.area)
            elif isinstance(item, fmt.Contact) and item.organisation:
                found["organisations"].add(item.organisation)
            assert kind in fmt.CONTENT_TYPES
    return found


def _index(bundle: Bundle, document: fmt.Document, parsed: ParsedFile, problems: list[Problem]) -> None:
    def add(index: dict[str, Located], kind: str, slug: str, located: Located) -> None:
        if slug in index:
            first = index[slug]
            problems.append(
                _problem(
                    located,
                    ("slug",),
                    f"duplicate {kind} slug '{slug}' (first at {first.file.display}:{first.file.line_of(first.path)})",
                )
            )
            return
        index[slug] = located

    for position, organisation in enumerate(document.organisations):
        located = Located(organisation, parsed, ("organisations", position))
        add(bundle.organisations, "organisation", organisation.slug, located)
    for position, area in enumerate(document.areas):
        add(bundle.areas, "area", area.slug, Located(area, parsed, ("areas", position)))
    for kind in fmt.CONTENT_TYPES:
        for position, item in enumerate(getattr(document, kind)):
            add(bundle.items[kind], kind.rstrip("s"), item.slug, Located(item, parsed, (kind, position)))


def _problem(located: Located, subpath: PathKey, message: str) -> Problem:
    path = (*located.path, *subpath)
    return Problem(located.file.display, located.file.line_of(path), format_path(path), message)


def cross_check(bundle: Bundle, known: Known) -> list[Problem]:
    """What the files refer to exists, in the files or in `known`; commitment keys and people agree."""
    problems: list[Problem] = []
    organisations = known.organisations | bundle.organisations.keys()
    agreements = known.agreements | bundle.items["agreements"].keys()
    contacts = known.contacts | bundle.items["contacts"].keys()

    def report(located: Located, subpath: PathKey, message: str, stored: bool) -> None:
        """A reference to what is in no file: a problem, or unchecked when the database that
        could hold it (`stored`) was not asked."""
        if stored and not known.complete:
            bundle.unchecked.append(_problem(located, subpath, message))
        else:
            problems.append(_problem(located, subpath, message))

    def need(
        located: Located, subpath: PathKey, value: str | None, pool: Iterable[str], what: str, stored: bool = True
    ) -> None:
        if value is not None and value not in pool:
            report(located, subpath, f"unknown {what} '{value}'", stored)

    def each(
        located: Located, name: str, values: list[str], pool: Iterable[str], what: str, stored: bool = True
    ) -> None:
        pool = set(pool)
        seen: set[str] = set()
        for index, value in enumerate(values):
            need(located, (name, index), value, pool, what, stored)
            if value in seen:
                problems.append(_problem(located, (name, index), f"'{value}' is listed twice"))
            seen.add(value)

    for located in bundle.organisations.values():
        organisation = located.item
        assert isinstance(organisation, fmt.Organisation)
        need(located, ("municipality",), organisation.municipality, known.municipalities, "kommunkod", False)
        need(located, ("police_unit",), organisation.police_unit, known.police_units, "police unit")
        for index, role in enumerate(organisation.contact_roles):
            need(located, ("contact_roles", index, "organisation"), role.organisation, organisations, "organisation")

    areas = _check_areas(bundle, known, problems, report)

    def in_municipality(located: Located, subpath: PathKey, slug: str | None, code: str, what: str) -> None:
        """`slug` names a known area of municipality `code` (the promise's)."""
        if slug is None:
            return
        if slug not in areas:
            report(located, subpath, f"unknown area '{slug}'", True)
        elif areas[slug][0] != code:
            problems.append(
                _problem(
                    located,
                    subpath,
                    f"area '{slug}' lies in municipality {areas[slug][0]}, outside {what}'s municipality {code}",
                )
            )

    for located in bundle.items["agreements"].values():
        agreement = located.item
        assert isinstance(agreement, fmt.Agreement)
        each(located, "parties", agreement.parties, organisations, "organisation")
        for index, signatory in enumerate(agreement.signatories):
            need(
                located,
                ("signatories", index, "organisation"),
                signatory.organisation,
                organisations,
                "organisation",
            )
        problems.extend(_check_bodies(located, agreement))
        for b_index, body in enumerate(agreement.bodies):
            for m_index, member in enumerate(body.members):
                need(located, ("bodies", b_index, "members", m_index), member, organisations, "organisation")

    commitment_keys: dict[str, set[str]] = {slug: set(keys) for slug, keys in known.commitment_keys.items()}
    target_keys: dict[str, set[str]] = {slug: set(keys) for slug, keys in known.target_keys.items()}
    periods: dict[str, fmt.Period] = dict(known.promise_periods)
    actors: dict[str, frozenset[str]] = dict(known.promise_actors)
    for located in bundle.items["citizen_promises"].values():
        promise = located.item
        assert isinstance(promise, fmt.CitizenPromise)
        need(located, ("municipality",), promise.municipality, known.municipalities, "kommunkod", False)
        need(located, ("agreement",), promise.agreement, agreements, "agreement")
        each(located, "contacts", promise.contacts, contacts, "contact")
        in_municipality(located, ("area",), promise.area, promise.municipality, "the citizen promise")
        if promise.parties:  # `each` copies the pool: only for a promise that prints parties
            each(located, "parties", promise.parties, organisations, "organisation")
        for index, signatory in enumerate(promise.signatories):
            path = ("signatories", index, "organisation")
            need(located, path, signatory.organisation, organisations, "organisation")
            if promise.parties and signatory.organisation and signatory.organisation not in promise.parties:
                problems.append(
                    _problem(
                        located,
                        path,
                        f"'{signatory.organisation}' is not a party of the citizen promise; a signatory signs for"
                        " one of its parties",
                    )
                )
        for index, role in enumerate(promise.contact_roles):
            need(located, ("contact_roles", index, "organisation"), role.organisation, organisations, "organisation")
        keys: set[str] = set()
        targets: set[str] = set()
        for index, commitment in enumerate(promise.commitments):
            if commitment.key in keys:
                problems.append(
                    _problem(located, ("commitments", index, "key"), f"duplicate commitment key '{commitment.key}'")
                )
            keys.add(commitment.key)
            prefix = ("commitments", index)
            in_municipality(located, (*prefix, "area"), commitment.area, promise.municipality, "its citizen promise")
            topics = commitment.topics
            for t_index, topic in enumerate(topics):
                need(
                    located,
                    (*prefix, "topics", t_index),
                    topic,
                    known.topics,
                    "topic (see seed/reference/topics.yaml)",
                    False,
                )
            for p_index, partner in enumerate(commitment.partners):
                need(located, (*prefix, "partners", p_index), partner, organisations, "organisation")
            for p_index, performer in enumerate(commitment.performed_by):
                need(located, (*prefix, "performed_by", p_index), performer, organisations, "organisation")
                if performer in commitment.performed_by[:p_index]:
                    problems.append(
                        _problem(located, (*prefix, "performed_by", p_index), f"'{performer}' is listed twice")
                    )
            for t_index, target in enumerate(commitment.targets):
                if target.key in targets:
                    problems.append(
                        _problem(
                            located,
                            (*prefix, "targets", t_index, "key"),
                            f"duplicate target key '{target.key}' (target keys are unique within the citizen promise)",
                        )
                    )
                targets.add(target.key)
        problems.extend(_check_parents(located, promise))
        commitment_keys[promise.slug] = keys
        actors[promise.slug] = frozenset(c.actor.value for c in promise.commitments)
        target_keys[promise.slug] = targets
        periods[promise.slug] = promise.period
        for kind, key, follow_up_slug in sorted(known.reported.get(promise.slug, ())):
            if key in (keys if kind == "commitments" else targets) or follow_up_slug in bundle.items["follow_ups"]:
                continue
            what = "commitment" if kind == "commitments" else "target"
            problems.append(
                _problem(
                    located,
                    ("commitments",),
                    f"the {what} '{key}' is gone, but follow-up '{follow_up_slug}' reports on it;"
                    " change that follow-up first",
                )
            )

    for located in bundle.items["follow_ups"].values():
        follow_up = located.item
        assert isinstance(follow_up, fmt.FollowUp)
        promise_slug = follow_up.citizen_promise
        if promise_slug not in commitment_keys:
            report(located, ("citizen_promise",), f"unknown citizen promise '{promise_slug}'", True)
            continue
        problems.extend(_within_promise(located, follow_up, periods.get(promise_slug)))
        if follow_up.author:
            need(located, ("author", "organisation"), follow_up.author.organisation, organisations, "organisation")
        for e_index, entry in enumerate(follow_up.entries):
            if entry.actor is not None and entry.actor.value not in actors.get(promise_slug, {entry.actor.value}):
                have = ", ".join(sorted(actors.get(promise_slug, ()))) or "none"
                problems.append(
                    _problem(
                        located,
                        ("entries", e_index, "actor"),
                        f"citizen promise '{promise_slug}' has no {entry.actor.value} commitment (its actors: {have});"
                        " an entry speaks for an actor of its promise",
                    )
                )
            for r_index, result in enumerate(entry.results):
                if result.target is not None and result.target not in target_keys.get(promise_slug, {result.target}):
                    elsewhere = sorted(slug for slug, found in target_keys.items() if result.target in found)
                    hint = f" (it is a target of '{elsewhere[0]}')" if elsewhere else ""
                    problems.append(
                        _problem(
                            located,
                            ("entries", e_index, "results", r_index, "target"),
                            f"'{result.target}' is not a target of citizen promise '{promise_slug}'{hint};"
                            " a result reports on a target of its own promise only",
                        )
                    )
            for c_index, key in enumerate(entry.commitments):
                if key not in commitment_keys[promise_slug]:
                    problems.append(
                        _problem(
                            located,
                            ("entries", e_index, "commitments", c_index),
                            f"'{key}' is not a commitment of citizen promise '{promise_slug}'",
                        )
                    )

    problems.extend(_check_succession(bundle, known, commitment_keys, periods))

    for located in bundle.items["service_agreements"].values():
        service = located.item
        assert isinstance(service, fmt.ServiceAgreement)
        need(located, ("municipality",), service.municipality, known.municipalities, "kommunkod", False)
        each(located, "parties", service.parties, organisations, "organisation")
        point_keys: set[str] = set()
        for index, point in enumerate(service.points):
            if point.key in point_keys:
                problems.append(
                    _problem(located, ("points", index, "key"), f"duplicate service point key '{point.key}'")
                )
            point_keys.add(point.key)
            in_municipality(
                located, ("points", index, "area"), point.area, service.municipality, "the service agreement"
            )
            problems.extend(_check_hours(located, index, point))

    people: dict[str, tuple[tuple[str | None, str | None], Located]] = {}
    for located in bundle.items["contacts"].values():
        contact = located.item
        assert isinstance(contact, fmt.Contact)
        need(located, ("organisation",), contact.organisation, organisations, "organisation")
        each(located, "municipalities", contact.municipalities, known.municipalities, "kommunkod", False)
        key = fmt.person_key(contact.name)
        details = (contact.email, contact.phone)
        if key in people and people[key][0] != details:
            first = people[key][1]
            problems.append(
                _problem(
                    located,
                    ("name",),
                    f"'{contact.name}' is also at {first.file.display}:{first.file.line_of(first.path)}"
                    " with other e-mail or phone; a person has one of each",
                )
            )
        people.setdefault(key, (details, located))
    return problems


def _check_hours(located: Located, index: int, point: fmt.ServicePoint) -> list[Problem]:
    """The typed opening hours open on the days the printed text names (the format has parsed them)."""
    if point.opening_hours is None or point.opening_hours_text is None:
        return []
    printed = hours.printed_weekdays(point.opening_hours_text)
    if printed is None:
        return []
    typed = hours.open_weekdays(point.opening_hours)
    if typed == printed:
        return []
    return [
        _problem(
            located,
            ("points", index, "opening_hours"),
            f"'{point.opening_hours}' is open on {hours.names(typed)}, but the printed"
            f" '{point.opening_hours_text}' names {hours.names(printed)}",
        )
    ]


_KIND_NAMES = {
    "citizen_promises": "a citizen promise",
    "agreements": "an agreement",
    "follow_ups": "a follow-up",
    "service_agreements": "a service agreement",
    "contacts": "a contact",
}


def _check_succession(
    bundle: Bundle, known: Known, commitment_keys: Mapping[str, set[str]], periods: Mapping[str, fmt.Period]
) -> list[Problem]:
    """Each succession link names an item of the kind its kind wants (a citizen promise, or a
    commitment for REPEATS) when that item is here, not its own promise, and one of an earlier
    period (REPEATS, CONTINUES, REPLACES) or a later one (ANNOUNCES) when both periods are known.
    A link to an item that is not here is kept with its printed reference."""
    problems: list[Problem] = []

    def kind_of(slug: str) -> str | None:
        for kind, items in bundle.items.items():
            if slug in items:
                return kind
        if slug in commitment_keys:
            return "citizen_promises"
        return known.item_kinds.get(slug)

    def check(located: Located, prefix: PathKey, links: list[fmt.Succession], promise: str) -> None:
        for index, link in enumerate(links):
            path = (*prefix, "succession", index, "target")
            slug, _, key = link.target.partition("#")
            kind = link.kind.value
            wanted = "a commitment ('promise-slug#key')" if link.kind == SuccessionKind.REPEATS else "a citizen promise"
            if (link.kind == SuccessionKind.REPEATS) != bool(key):
                problems.append(_problem(located, path, f"a {kind} link names {wanted}, not '{link.target}'"))
                continue
            found = kind_of(slug)
            if found is None:
                continue
            if found != "citizen_promises":
                problems.append(
                    _problem(
                        located,
                        path,
                        f"'{slug}' is {_KIND_NAMES[found]}, not a citizen promise; a {kind} link names {wanted}",
                    )
                )
            elif slug == promise:
                problems.append(
                    _problem(located, path, f"'{slug}' is the item's own citizen promise; a {kind} link names another")
                )
            elif key and key not in commitment_keys.get(slug, set()):
                problems.append(_problem(located, path, f"'{key}' is not a commitment of citizen promise '{slug}'"))
            elif slug in periods and promise in periods:
                own, other = periods[promise], periods[slug]
                later = link.kind == SuccessionKind.ANNOUNCES
                if (other.start <= own.start) if later else (other.start >= own.start):
                    when = "a later" if later else "an earlier"
                    problems.append(
                        _problem(
                            located,
                            path,
                            f"'{slug}' ({other.label}) is not of {when} period than '{promise}' ({own.label});"
                            f" a {kind} link names {when} one",
                        )
                    )

    for located in bundle.items["citizen_promises"].values():
        item = located.item
        assert isinstance(item, fmt.CitizenPromise)
        check(located, (), item.succession, item.slug)
        for index, commitment in enumerate(item.commitments):
            check(located, ("commitments", index), commitment.succession, item.slug)
    for located in bundle.items["follow_ups"].values():
        item = located.item
        assert isinstance(item, fmt.FollowUp)
        check(located, (), item.succession, item.citizen_promise)
    return problems


# Areas nest this deep at most (stadsdel > neighbourhood > place > …): a deeper chain is a mistake,
# and the bound keeps the recursive roll-ups of coverage and statistics short.
MAX_AREA_DEPTH = 6


def _check_areas(
    bundle: Bundle, known: Known, problems: list[Problem], report: Any
) -> dict[str, tuple[str, str | None]]:
    """Each area of the files in a known municipality, its parent a known area of the same
    municipality, no cycle of parents and no chain deeper than MAX_AREA_DEPTH; returns every
    area (files over database) as (municipality, parent)."""
    areas: dict[str, tuple[str, str | None]] = dict(known.areas)
    for slug, located in bundle.areas.items():
        area = located.item
        assert isinstance(area, fmt.Area)
        areas[slug] = (area.municipality, area.parent)
    for slug, located in bundle.areas.items():
        area = located.item
        assert isinstance(area, fmt.Area)
        if area.municipality not in known.municipalities:
            problems.append(_problem(located, ("municipality",), f"unknown kommunkod '{area.municipality}'"))
        if area.parent is None:
            continue
        if area.parent not in areas:
            report(located, ("parent",), f"unknown area '{area.parent}'", True)
            continue
        if areas[area.parent][0] != area.municipality:
            problems.append(
                _problem(
                    located,
                    ("parent",),
                    f"area '{area.parent}' lies in municipality {areas[area.parent][0]}, not in {area.municipality}",
                )
            )
            continue
        chain = [slug]
        current: str | None = area.parent
        while current is not None and current in areas and current not in chain and len(chain) <= MAX_AREA_DEPTH:
            chain.append(current)
            current = areas[current][1]
        if current in chain:
            problems.append(_problem(located, ("parent",), f"a cycle of parents: {' → '.join([*chain, str(current)])}"))
        elif len(chain) > MAX_AREA_DEPTH:
            problems.append(_problem(located, ("parent",), f"areas nest at most {MAX_AREA_DEPTH} deep"))
    return areas


def _check_bodies(located: Located, agreement: fmt.Agreement) -> list[Problem]:
    """Body keys unique; parents and the rules' bodies are bodies of the same agreement; no cycle."""
    problems = []
    parents: dict[str, str | None] = {}
    for index, body in enumerate(agreement.bodies):
        if body.key in parents:
            problems.append(_problem(located, ("bodies", index, "key"), f"duplicate body key '{body.key}'"))
        parents[body.key] = body.parent
    for index, body in enumerate(agreement.bodies):
        if body.parent is None:
            continue
        if body.parent not in parents:
            problems.append(
                _problem(located, ("bodies", index, "parent"), f"'{body.parent}' is not a body of this agreement")
            )
            continue
        chain = [body.key]
        current: str | None = body.parent
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current in chain:
            problems.append(
                _problem(
                    located, ("bodies", index, "parent"), f"a cycle of parents: {' → '.join([*chain, str(current)])}"
                )
            )
    for index, rule in enumerate(agreement.follow_up_rules):
        for name in ("responsible", "at_meetings_of"):
            key = getattr(rule, name)
            if key is not None and key not in parents:
                problems.append(
                    _problem(located, ("follow_up_rules", index, name), f"'{key}' is not a body of this agreement")
                )
    return problems


def _check_parents(located: Located, promise: fmt.CitizenPromise) -> list[Problem]:
    """Each parent is a commitment of the same promise, and parents form no cycle."""
    problems = []
    parents = {c.key: c.parent for c in promise.commitments}
    for index, commitment in enumerate(promise.commitments):
        if commitment.parent is None:
            continue
        path = ("commitments", index, "parent")
        if commitment.parent not in parents:
            problems.append(
                _problem(
                    located,
                    path,
                    f"'{commitment.parent}' is not a commitment of citizen promise '{promise.slug}';"
                    " a parent is a commitment of the same promise",
                )
            )
            continue
        chain = [commitment.key]
        current: str | None = commitment.parent
        while current is not None and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        if current in chain:
            problems.append(_problem(located, path, f"a cycle of parents: {' → '.join([*chain, str(current)])}"))
    return problems


def _within_promise(located: Located, follow_up: fmt.FollowUp, period: fmt.Period | None) -> list[Problem]:
    """A follow-up reports on its promise's period: its year lies in that period, and so does
    its own period, when it prints one (both within its dates; an open end is open)."""
    if period is None:
        return []
    problems = []
    if not period.covers_year(follow_up.year):
        problems.append(
            _problem(
                located,
                ("year",),
                f"{follow_up.year} is outside the period of citizen promise '{follow_up.citizen_promise}'"
                f" ({period.label})",
            )
        )
    own = follow_up.period
    if own is not None:
        if own.start < period.start or (period.end is not None and (own.end or own.start) > period.end):
            problems.append(
                _problem(
                    located,
                    ("period",),
                    f"'{own.label}' lies outside the period of citizen promise '{follow_up.citizen_promise}'"
                    f" ({period.label})",
                )
            )
        elif not own.covers_year(follow_up.year):
            problems.append(
                _problem(located, ("year",), f"{follow_up.year} is not a year of the follow-up's period ({own.label})")
            )
    return problems


def index_item(kind: str, data: Any, *, document: str = "api") -> tuple[Bundle, BaseModel | None, list[Problem]]:
    """One item given as plain data (an API input) against the format, as a bundle of one;
    `cross_check` it against what it refers to."""
    parsed = ParsedFile(path=Path(f"{document}.yaml"), data={kind: [data]}, display=kind)
    bundle, problems = index_documents([parsed])
    found = bundle.organisations if kind == "organisations" else bundle.items.get(kind, {})
    item = next(iter(found.values())).item if found and not problems else None
    return bundle, item, problems


def as_problem_dicts(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in problems]
