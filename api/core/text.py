"""Rich text: stored as Markdown, returned as Markdown, sanitised HTML or plain text."""

from __future__ import annotations

import html
import re
from enum import Enum
from functools import lru_cache
from typing import Annotated

import nh3
import strawberry
from markdown_it import MarkdownIt


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


# commonmark without raw HTML: anything that looks like a tag in content stays text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
}


@lru_cache(maxsize=4096)
def to_html(markdown: str) -> str:
    rendered = _markdown.render(markdown)
    return nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    ).strip()


@lru_cache(maxsize=4096)
def to_plain(markdown: str) -> str:
    text = nh3.clean(to_html(markdown).replace("</p>", "</p>\n\n").replace("</li>", "</li>\n"), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()


def render(markdown: str | None, format: TextFormat | None) -> str | None:
    if markdown is None:
        return None
    if format is TextFormat.HTML:
        return to_html(markdown)
    if format is TextFormat.PLAIN:
        return to_plain(markdown)
    return markdown
