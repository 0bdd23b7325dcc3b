"""Swedish text analysis in Python: words, stop words, Snowball stems, query terms, snippets.

PostgreSQL analyses text itself (the `swedish` configuration: the same Snowball stemmer and stop
words as here). SQLite's FTS5 has no Swedish stemmer, so its index holds the stems made here.
Snippets are made here for both databases, from the stored text, so they read alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Letters and digits; underscores and punctuation separate words. å, ä and ö are letters of
# their own and are never folded to a and o.
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's tsearch_data/swedish.stop (the Snowball list), so both databases drop the same words.
STOP_WORDS = frozenset(
    [
        "och",
        "det",
        "att",
        "i",
        "en",
        "jag",
        "hon",
        "som",
        "han",
        "på",
        "den",
        "med",
        "var",
        "sig",
        "för",
        "så",
        "till",
        "är",
        "men",
        "ett",
        "om",
        "hade",
        "de",
        "av",
        "icke",
        "mig",
        "du",
        "henne",
        "då",
        "sin",
        "nu",
        "har",
        "inte",
        "hans",
        "honom",
        "skulle",
        "hennes",
        "där",
        "min",
        "man",
        "ej",
        "vid",
        "kunde",
        "något",
        "från",
        "ut",
        "när",
        "efter",
        "upp",
        "vi",
        "dem",
        "vara",
        "vad",
        "över",
        "än",
        "dig",
        "kan",
        "sina",
        "här",
        "ha",
        "mot",
        "alla",
        "under",
        "någon",
        "eller",
        "allt",
        "mycket",
        "sedan",
        "ju",
        "denna",
        "själv",
        "detta",
        "åt",
        "utan",
        "varit",
        "hur",
        "ingen",
        "mitt",
        "ni",
        "bli",
        "blev",
        "oss",
        "din",
        "dessa",
        "några",
        "deras",
        "blir",
        "mina",
        "samma",
        "vilken",
        "er",
        "sådan",
        "vår",
        "blivit",
        "dess",
        "inom",
        "mellan",
        "sådant",
        "varför",
        "varje",
        "vilka",
        "ditt",
        "vem",
        "vilket",
        "sitta",
        "sådana",
        "vart",
        "dina",
        "vars",
        "vårt",
        "våra",
        "ert",
        "era",
        "vilkas",
    ]
)

_stemmer = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word. Swedish Snowball only removes endings, so the stem
    is always a prefix of the word."""
    return str(_stemmer.stemWord(word))


def words(text: str) -> Iterator[re.Match[str]]:
    return _WORD.finditer(text)


def index_terms(text: str) -> str:
    """The text as FTS5 should index it: the stems of its words that are not stop words."""
    terms = []
    for match in words(text):
        word = match.group().lower()
        if word not in STOP_WORDS:
            terms.append(stem(word))
    return " ".join(terms)


def query_terms(query: str) -> list[str]:
    """The distinct stems a query asks for, in its order; empty when it holds only stop words or
    punctuation. Each stem matches as a prefix, so "narkotika" finds "narkotikabrott"."""
    terms: list[str] = []
    for match in words(query):
        word = match.group().lower()
        if word not in STOP_WORDS and stem(word) not in terms:
            terms.append(stem(word))
    return terms


def fts5_query(terms: Sequence[str]) -> str:
    """All terms, each as a prefix: `"narkotik"* AND "ång"*`."""
    return " AND ".join('"' + term.replace('"', '""') + '"*' for term in terms)


def tsquery_text(words_: Sequence[str]) -> str:
    """Input for to_tsquery('swedish', …): every word as a prefix, all required. PostgreSQL stems
    the words itself; they hold only letters and digits, so nothing in them is an operator."""
    return " & ".join("'" + word + "':*" for word in words_)


def query_words(query: str) -> list[str]:
    """The distinct lower-case words of a query that are not stop words (for PostgreSQL)."""
    found: list[str] = []
    for match in words(query):
        word = match.group().lower()
        if word not in STOP_WORDS and word not in found:
            found.append(word)
    return found


@dataclass(frozen=True)
class _Window:
    start: int  # index of the first word
    distinct: int  # how many different terms it shows
    hits: int


SNIPPET_WORDS = 30
_LEAD = 8  # words shown before the first match


def snippet(texts: Sequence[str], terms: Sequence[str], size: int = SNIPPET_WORDS) -> str:
    """HTML-escaped text around the best match, the matched words in <mark>…</mark>.

    Takes the first of `texts` with the best window (so a body is preferred to a title that
    matches as well); without any match, the start of the first non-empty text.
    """
    best: tuple[tuple[int, int], str, list[re.Match[str]], set[int], int] | None = None
    for text in texts:
        if not text:
            continue
        tokens = list(words(text))
        matched = {i: term for i, token in enumerate(tokens) if (term := _matching_term(token.group(), terms))}
        window = _best_window(tokens, matched, size)
        if best is None or (window.distinct, window.hits) > best[0]:
            best = ((window.distinct, window.hits), text, tokens, set(matched), window.start)
    if best is None:
        return ""
    _, text, tokens, matched_at, start = best
    return _render(text, tokens, matched_at, start, size)


def _matching_term(word: str, terms: Sequence[str]) -> str | None:
    lower = word.lower()
    if lower in STOP_WORDS:
        return None
    for term in terms:
        # A word can only have a stem starting with the term if the word itself starts with it.
        if lower.startswith(term) and stem(lower).startswith(term):
            return term
    return None


def _best_window(tokens: list[re.Match[str]], matched: dict[int, str], size: int) -> _Window:
    best = _Window(0, 0, 0)
    for index in matched:
        start = max(0, min(index - _LEAD, len(tokens) - size))
        inside = [matched[i] for i in matched if start <= i < start + size]
        window = _Window(start, len(set(inside)), len(inside))
        if (window.distinct, window.hits) > (best.distinct, best.hits):
            best = window
    return best


def _render(text: str, tokens: list[re.Match[str]], matched_at: set[int], start: int, size: int) -> str:
    if not tokens:
        return html.escape(text.strip()[:200])
    end = min(start + size, len(tokens))
    begin_char = 0 if start == 0 else tokens[start].start()
    end_char = len(text) if end == len(tokens) else tokens[end - 1].end()
    parts = ["…" if begin_char > 0 else ""]
    position = begin_char
    for index in range(start, end):
        token = tokens[index]
        if index in matched_at:
            parts.append(html.escape(text[position : token.start()]))
            parts.append("<mark>" + html.escape(token.group()) + "</mark>")
            position = token.end()
    parts.append(html.escape(text[position:end_char]))
    if end_char < len(text):
        parts.append("…")
    return " ".join("".join(parts).split())
