"""Rich text: stored as Markdown, returned as Markdown, sanitised HTML or plain text."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from models.text import to_html, to_plain


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


def render(markdown: str | None, format: TextFormat | None) -> str | None:
    if markdown is None:
        return None
    if format is TextFormat.HTML:
        return to_html(markdown)
    if format is TextFormat.PLAIN:
        return to_plain(markdown)
    return markdown
