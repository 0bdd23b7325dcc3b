"""Extra content for tests, written as seed files and loaded with the project's own loader."""

from __future__ import annotations

from pathlib import Path

import yaml

from seed.load import Summary
from seed.pipeline import load_path


def promise_item(
    slug: str,
    municipality: str,
    *,
    commitments: int,
    start: str = "2025-01-01",
    end: str | None = "2025-12-31",
    status: str = "PUBLISHED",
    contacts: list[str] | None = None,
    agreement: str | None = None,
) -> dict[str, object]:
    actors = ["KOMMUN", "POLIS", "TILLSAMMANS"]
    item: dict[str, object] = {
        "slug": slug,
        "status": status,
        "title": f"Medborgarlöfte {slug}",
        "municipality": municipality,
        "period": {"start": start, "end": end, "label": f"{start[:4]}–{(end or '')[:4]}"},
        "problem_picture": "Otrygghet i centrum kvällstid.",
        "commitments": [
            {
                "key": f"k-{number}",
                "actor": actors[number % 3],
                "text": f"Genomföra insats nummer {number} mot narkotika och för ökad trygghet.",
                "topics": ["narkotika", "otrygghet"] if number % 2 else ["trafik"],
            }
            for number in range(1, commitments + 1)
        ],
        "contacts": contacts or [],
    }
    if agreement:
        item["agreement"] = agreement
    return item


def follow_up_item(slug: str, promise: str, *, entries: int, year: int = 2025) -> dict[str, object]:
    return {
        "slug": slug,
        "status": "PUBLISHED",
        "title": f"Uppföljning {year}",
        "citizen_promise": promise,
        "year": year,
        "entries": [
            {"narrative": f"Insats {number} genomfördes under året.", "commitments": [f"k-{number}"]}
            for number in range(1, entries + 1)
        ],
    }


def municipality_content(code: str, *, promises: int, commitments: int, prefix: str) -> dict[str, list[object]]:
    """A municipality with agreements, promises for 2025, follow-ups and contacts."""
    organisation = f"{prefix}-kommun"
    document: dict[str, list[object]] = {
        "organisations": [
            {"slug": organisation, "kind": "MUNICIPALITY", "name": f"Kommun {code}", "municipality": code},
            {"slug": f"{prefix}-polis", "kind": "POLICE", "name": f"Polis {code}"},
        ],
        "agreements": [],
        "contacts": [],
        "citizen_promises": [],
        "follow_ups": [],
    }
    for number in range(1, promises + 1):
        agreement = f"{prefix}-overenskommelse-{number}"
        document["agreements"].append(
            {
                "slug": agreement,
                "status": "PUBLISHED",
                "title": f"Överenskommelse {number}",
                "period": {"start": "2024-01-01", "end": "2027-12-31", "label": "2024–2027"},
                "parties": [organisation, f"{prefix}-polis"],
                "signatories": [
                    {"name": f"Person {prefix} {number}", "title": "Ordförande", "organisation": organisation}
                ],
            }
        )
        contact = f"{prefix}-kontakt-{number}"
        document["contacts"].append(
            {
                "slug": contact,
                "status": "PUBLISHED",
                "role": "Kommunpolis",
                "name": f"Kontakt {prefix} {number}",
                "email": f"kontakt{number}.{prefix}@polisen.se",
                "municipalities": [code],
            }
        )
        promise = f"{prefix}-lofte-{number}"
        document["citizen_promises"].append(
            promise_item(promise, code, commitments=commitments, contacts=[contact], agreement=agreement)
        )
        document["follow_ups"].append(follow_up_item(f"{prefix}-uppfoljning-{number}", promise, entries=commitments))
    return document


async def load_documents(folder: Path, documents: dict[str, dict[str, list[object]]]) -> Summary:
    """Write the documents as seed files under `folder` and load them (the seed content must be
    loaded already: they may refer to it)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    summary, checked = await load_path(folder)
    assert summary is not None, [str(p) for p in checked.problems]
    return summary
