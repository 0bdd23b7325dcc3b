"""Markdown as stored content is rendered: sanitised HTML and plain text.

Storage-level, so every layer renders alike. Content is rendered when it is written and the
renderings are stored beside the Markdown (models/rendered.py), so reads (the compiled SQL and
the reference path alike) and the search index only read them.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

# commonmark without raw HTML: anything that looks like a tag in content stays text.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# The renderer's version, stored with every rendering: change it whenever what `to_html` or
# `to_plain` returns for some Markdown changes (markdown-it-py's rules, nh3's tags or
# attributes, the plain-text rules), and `samverkan migrate` renders every older row again.
VERSION = 1

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


# Text Markdown leaves as it is: one printable line, no character Markdown gives a meaning
# inside a line, not starting like a list, a quote or a heading, no whitespace to trim. Most
# commitments are such a sentence; rendering one costs 60 µs (markdown-it and nh3 twice), 1.5 s
# of a whole-country load's 38,000 texts. tests/test_seed_pipeline.py compares both ways.
_PLAIN_LINE = re.compile(r"[^\n\r\t\\`*_\[\]<>&#!~|]+")
_LIST_START = re.compile(r"\d{1,9}[.)]")


def is_plain(markdown: str) -> bool:
    """`markdown` renders to itself as plain text."""
    return (
        _PLAIN_LINE.fullmatch(markdown) is not None
        and markdown == markdown.strip()
        and markdown.isprintable()
        and markdown[0] not in "-+=>"
        and _LIST_START.match(markdown) is None
    )


def to_plain(markdown: str) -> str:
    return markdown if is_plain(markdown) else _render_plain(markdown)


@lru_cache(maxsize=4096)
def _render_plain(markdown: str) -> str:
    text = nh3.clean(to_html(markdown).replace("</p>", "</p>\n\n").replace("</li>", "</li>\n"), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
