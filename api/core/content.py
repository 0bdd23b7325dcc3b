"""Types every kind of content shares: status, periods, sections, links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.context import Context
from api.core.enums import described_enum
from api.core.loaders import Row
from api.core.relay import Node, resolve_node
from api.core.text import FormatArgument, Rendered, TextFormat, render, rendered
from models.enums import PublicationStatus as PublicationStatus  # re-exported: the API's enum

# The model's enum is the GraphQL enum too, so the values are listed once.
described_enum(
    PublicationStatus,
    "Editorial state of a content item. Public reads see PUBLISHED only.",
    {
        "DRAFT": "Being written: only previews show it, to editorial tokens whose scope covers the item.",
        "PUBLISHED": "Public, inside its schedule (publishAt / unpublishAt, where set).",
        "ARCHIVED": "Withdrawn: not in public reads, but kept with its history.",
    },
)


@strawberry.type(description="A period as printed. A period that is not known at all is a null Period, not a Period.")
class Period:
    start: dt.date = strawberry.field(
        description="First day (a period printed by year or month starts on its first day)."
    )
    end: dt.date | None = strawberry.field(description="Null: open-ended.")
    label: str = strawberry.field(description='As printed, e.g. "2023–2024", "2020-01-01 till 2023-12-31".')

    @classmethod
    def from_row(cls, row: Row) -> Period | None:
        if row.get("period_start") is None:
            return None
        return cls(start=row["period_start"], end=row["period_end"], label=row["period_label"])


@strawberry.type(description="A titled block of rich text (Markdown) inside a document, in document order.")
class Section:
    heading: str = strawberry.field(description="The heading as printed.")
    role: str | None = strawberry.field(
        description="What the section does (PURPOSE, GOVERNANCE, FOLLOW_UP, TERM, …), where set."
    )
    text: strawberry.Private[Rendered]

    @strawberry.field(description="The text under the heading (Markdown as stored, or as `format` asks).")
    def body(self, format: FormatArgument = TextFormat.MARKDOWN) -> str:
        return render(self.text, format) or ""


def sections(row: Row) -> list[Section]:
    """A row's sections with their bodies' stored renderings (`sections_html`, `sections_plain`:
    lists in the sections' order, models/rendered.py)."""
    html = row.get("sections_html") or []
    plain = row.get("sections_plain") or []
    return [
        Section(
            heading=s["heading"],
            role=s.get("role"),
            text=Rendered(
                s["body"], html[number] if number < len(html) else None, plain[number] if number < len(plain) else None
            ),
        )
        for number, s in enumerate(row["sections"])
    ]


@strawberry.type(
    description="A reference printed in a document, e.g. to last year's follow-up, resolved when it is here."
)
class Link:
    label: str = strawberry.field(description='The link text as printed, e.g. "Uppföljning 2018".')
    url: str | None = strawberry.field(description="Where it points on the web, if anywhere.")
    target_ref: strawberry.Private[dict[str, str] | None]

    @strawberry.field(
        description="The item it refers to when that is here (e.g. a FollowUp); null when it is not, or not visible."
    )
    async def target(self, info: Info[Context, Any]) -> Node | None:
        if not self.target_ref:
            return None
        return await resolve_node(info, self.target_ref["type"], self.target_ref["slug"])


@strawberry.type
class ContentItem(Node):
    """Fields of every editable item; each GraphQL type lists them itself."""

    slug: str = strawberry.field(
        description="Unique across all content and never changed ([a-z0-9-]); the global ID derives from it."
    )
    status: PublicationStatus = strawberry.field(description="Editorial state; public reads see PUBLISHED only.")
    source_url: str | None = strawberry.field(description="The page the content was taken from, if any.")
    source_published_on: dt.date | None = strawberry.field(description='As printed on the source page ("Publicerad").')
    source_updated_on: dt.date | None = strawberry.field(description='As printed on the source page ("Uppdaterad").')
    source_incomplete: bool = strawberry.field(
        description="The source page is incomplete (cut short, a part missing): what is here is all it gave."
    )
    source_note: str | None = strawberry.field(
        description='What the editor noted about the source page, e.g. what is missing ("Sidan slutar mitt i'
        ' uppräkningen"); null: nothing noted.'
    )
    published_at: dt.datetime | None = strawberry.field(description="First published here.")
    updated_at: dt.datetime = strawberry.field(description="Last changed here.")
    pk: strawberry.Private[int]
    # The row it was read as (api/core/relations.py): what its relations are read from.
    row: strawberry.Private[Row]
    summary_text: strawberry.Private[Rendered | None]
    link_data: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="A short introduction (Markdown as stored, or as `format` asks); null if none.")
    def summary(self, format: FormatArgument = TextFormat.MARKDOWN) -> str | None:
        return render(self.summary_text, format)

    @strawberry.field(description="References printed in the document, in document order.")
    def links(self) -> list[Link]:
        return [
            Link(label=link["label"], url=link.get("url"), target_ref=link.get("target")) for link in self.link_data
        ]


def content_fields(row: Row) -> dict[str, Any]:
    """What an item's row gives besides the values its declaration reads (api/core/relations.py,
    declared_values): its key, rich text and links."""
    return {
        "node_key": row["slug"],
        "pk": row["id"],
        "row": row,
        "summary_text": rendered(row, "summary"),
        "link_data": row.get("links") or [],
    }
