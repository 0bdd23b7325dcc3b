"""Rich text: stored as Markdown with its renderings, returned as Markdown, sanitised HTML or
plain text. The renderings are written with the Markdown (models/rendered.py) and read from
the row here, as the compiled SQL reads them: the API renders nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any

import strawberry


@strawberry.enum(
    description="How rich text is returned. Stored as Markdown; HTML is sanitised (no scripts, no styles)."
)
class TextFormat(Enum):
    MARKDOWN = strawberry.enum_value("MARKDOWN", description="As stored: CommonMark, without raw HTML.")
    HTML = strawberry.enum_value(
        "HTML", description="Rendered and sanitised: paragraphs, emphasis, links, lists, quotes, code, headings."
    )
    PLAIN = strawberry.enum_value("PLAIN", description="Plain text: no markup, paragraphs apart by a blank line.")


# The `format` argument of every rich-text field.
FormatArgument = Annotated[
    TextFormat | None, strawberry.argument(description="How to return the text; MARKDOWN (as stored) by default.")
]


@dataclass(frozen=True)
class Rendered:
    """One rich text as stored: its Markdown and the renderings written with it (None: a row
    not rendered yet, between migration 0013 and `samverkan migrate`'s rendering)."""

    markdown: str
    html: str | None
    plain: str | None

    def as_format(self, format: TextFormat | None) -> str | None:
        if format is TextFormat.HTML:
            return self.html
        if format is TextFormat.PLAIN:
            return self.plain
        return self.markdown


def rendered(row: Mapping[str, Any], name: str) -> Rendered | None:
    """The rich text `name` of a row with its `<name>_html` and `<name>_plain`; None when null."""
    markdown = row.get(name)
    if markdown is None:
        return None
    return Rendered(markdown, row.get(f"{name}_html"), row.get(f"{name}_plain"))


def render(text: Rendered | None, format: TextFormat | None) -> str | None:
    return None if text is None else text.as_format(format)
