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


@lru_cache(maxsize=4096)
def to_plain(markdown: str) -> str:
    text = nh3.clean(to_html(markdown).replace("</p>", "</p>\n\n").replace("</li>", "</li>\n"), tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
