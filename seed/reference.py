"""Reference data: counties, police units, municipalities and topics, loaded from seed/reference."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from models import County, Municipality, PoliceUnit, Topic
from models.enums import PoliceUnitLevel
from seed import format as fmt
from seed.yamlio import Problem, SeedFileError, read

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class TopicRow:
    key: str
    label: str


@dataclass
class ReferenceData:
    counties: list[dict[str, str]]
    municipalities: list[dict[str, str]]
    police_units: list[fmt.PoliceUnit]
    topics: list[TopicRow]


def read_reference(folder: Path = REFERENCE_DIR) -> ReferenceData:
    with (folder / "counties.csv").open(encoding="utf-8", newline="") as handle:
        counties = list(csv.DictReader(handle))
    with (folder / "municipalities.csv").open(encoding="utf-8", newline="") as handle:
        municipalities = list(csv.DictReader(handle))
    units_file = read(folder / "police_units.yaml")
    units = TypeAdapter(list[fmt.PoliceUnit]).validate_python(units_file.data)
    topics_file = read(folder / "topics.yaml")
    topics = [TopicRow(key=row["key"], label=row["label"]) for row in topics_file.data]
    return ReferenceData(counties, municipalities, units, topics)


async def load_reference(data: ReferenceData | None = None) -> int:
    """Upsert all reference rows; returns how many rows were created or changed."""
    data = data or read_reference()
    changed = 0
    regions: dict[str, PoliceUnit] = {}
    units: dict[str, PoliceUnit] = {}
    existing_units = {unit.slug: unit for unit in await PoliceUnit.all()}
    for spec in data.police_units:
        parent = units.get(spec.parent) if spec.parent else None
        if spec.parent and parent is None:
            message = f"parent '{spec.parent}' of '{spec.slug}' must come before it"
            raise SeedFileError(Problem("seed/reference/police_units.yaml", 1, "parent", message))
        values: dict[str, Any] = {"level": spec.level, "name": spec.name, "parent_id": parent.id if parent else None}
        unit = existing_units.get(spec.slug)
        if unit is None:
            unit = await PoliceUnit.create(slug=spec.slug, **values)
            changed += 1
        elif any(getattr(unit, key) != value for key, value in values.items()):
            await PoliceUnit.filter(id=unit.id).update(**values)
            changed += 1
        units[spec.slug] = unit
        if spec.level == PoliceUnitLevel.REGION:
            regions[spec.name] = unit

    existing_counties = {county.code: county for county in await County.all()}
    for row in data.counties:
        region = regions[row["police_region"]]
        county = existing_counties.get(row["county_code"])
        if county is None:
            await County.create(code=row["county_code"], name=row["county_name"], police_region_id=region.id)
            changed += 1
        elif (county.name, county.police_region_id) != (row["county_name"], region.id):  # type: ignore[attr-defined]
            await County.filter(code=county.code).update(name=row["county_name"], police_region_id=region.id)
            changed += 1

    local_area = {code: units[spec.slug].id for spec in data.police_units for code in spec.municipalities}
    existing = {m.code: m for m in await Municipality.all()}
    new_rows = []
    for row in data.municipalities:
        values = {
            "name": row["name"],
            "county_id": row["county_code"],
            "local_police_area_id": local_area.get(row["kommunkod"]),
        }
        current = existing.get(row["kommunkod"])
        if current is None:
            new_rows.append(Municipality(code=row["kommunkod"], **values))
        elif any(getattr(current, key) != value for key, value in values.items()):
            await Municipality.filter(code=current.code).update(**values)
            changed += 1
    if new_rows:
        await Municipality.bulk_create(new_rows)
        changed += len(new_rows)

    existing_topics = {topic.key: topic for topic in await Topic.all()}
    for position, topic_row in enumerate(data.topics, start=1):
        topic = existing_topics.get(topic_row.key)
        if topic is None:
            await Topic.create(key=topic_row.key, label=topic_row.label, position=position)
            changed += 1
        elif (topic.label, topic.position) != (topic_row.label, position):
            await Topic.filter(key=topic_row.key).update(label=topic_row.label, position=position)
            changed += 1
    return changed
