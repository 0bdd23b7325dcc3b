"""Topic suggestions for untagged commitments, from Swedish word stems.

`samverkan seed suggest-topics [PATH]` reads seed files and prints, for every commitment
without topics, the topics whose words (seed/reference/topic_words.yaml) occur in its text.
It proposes only: an editor confirms a suggestion by writing it into the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import snowballstemmer

from seed.reference import REFERENCE_DIR, read_reference
from seed.yamlio import ParsedFile, read

# A stem this long also matches the compounds that contain it ("telefonbedrägerier",
# "trafiksäkerhet"); shorter ones only themselves.
COMPOUND_STEM_LENGTH = 5
WORD = re.compile(r"[a-zåäöéü]+")


@dataclass(frozen=True)
class Suggestion:
    file: str
    line: int
    citizen_promise: str
    commitment: str
    # (topic key, words of the text that suggested it), in vocabulary order.
    topics: list[tuple[str, list[str]]]

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: {self.citizen_promise}/{self.commitment}"
        if not self.topics:
            return f"{where}: no suggestion"
        found = ", ".join(f"{key} ({', '.join(words)})" for key, words in self.topics)
        return f"{where}: {found}"


class TopicSuggester:
    def __init__(self, words_by_topic: dict[str, list[str]]) -> None:
        self._stemmer = snowballstemmer.stemmer("swedish")
        self._stems: list[tuple[str, list[str]]] = [
            (topic, sorted({stem for word in words for stem in self._stem_all(word)}))
            for topic, words in words_by_topic.items()
        ]

    @classmethod
    def from_reference(cls, folder: Path = REFERENCE_DIR) -> TopicSuggester:
        vocabulary = [topic.key for topic in read_reference(folder).topics]
        words = read(folder / "topic_words.yaml").data or {}
        unknown = sorted(set(words) - set(vocabulary))
        if unknown:
            raise ValueError(f"topic_words.yaml names topics that topics.yaml lacks: {', '.join(unknown)}")
        return cls({key: [str(word) for word in words.get(key, [])] for key in vocabulary})

    def _stem_all(self, text: str) -> list[str]:
        tokens = WORD.findall(text.lower())
        return [str(stem) for stem in self._stemmer.stemWords(tokens)]

    def suggest(self, text: str) -> list[tuple[str, list[str]]]:
        """Topics whose stems occur in the text, each with the words that matched."""
        tokens = WORD.findall(text.lower())
        pairs = list(zip(tokens, self._stem_all(text), strict=True))
        found = []
        for topic, stems in self._stems:
            words = [
                word
                for word, stem in pairs
                if any(stem == s or (len(s) >= COMPOUND_STEM_LENGTH and s in stem) for s in stems)
            ]
            if words:
                found.append((topic, list(dict.fromkeys(words))))
        return found


def untagged_commitments(parsed: ParsedFile) -> Iterator[tuple[int, str, str, str]]:
    """(line, promise slug, commitment key, text) of every commitment without topics in a file."""
    data = parsed.data if isinstance(parsed.data, dict) else {}
    for p_index, promise in enumerate(data.get("citizen_promises") or []):
        if not isinstance(promise, dict):
            continue
        for c_index, commitment in enumerate(promise.get("commitments") or []):
            if not isinstance(commitment, dict) or commitment.get("topics"):
                continue
            line = parsed.line_of(("citizen_promises", p_index, "commitments", c_index))
            yield line, str(promise.get("slug")), str(commitment.get("key")), str(commitment.get("text") or "")


def suggest_topics(files: Iterable[ParsedFile], suggester: TopicSuggester | None = None) -> list[Suggestion]:
    suggester = suggester or TopicSuggester.from_reference()
    return [
        Suggestion(parsed.display or str(parsed.path), line, promise, key, suggester.suggest(text))
        for parsed in files
        for line, promise, key, text in untagged_commitments(parsed)
    ]
