"""Reading seed YAML safely, remembering the line of every value, and writing it back stably."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000
MAX_SCALAR_CHARS = 100_000

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


@dataclass
class ParsedFile:
    path: Path
    data: Any
    display: str = ""
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int:
        """The line of the value at `path`, or of its nearest ancestor that is in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1


class SeedFileError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(file)"


def read(path: Path, display: str | None = None) -> ParsedFile:
    """Parse one seed file into plain data (all scalars as text) with a line for every path."""
    name = display or str(path)
    raw = path.read_bytes()
    _check_size(raw, name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise SeedFileError(
            Problem(name, line, "(file)", f"not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded")
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        node = _compose_fast(text, name)
    except yaml.YAMLError:
        node = _compose_reporting(text, name)
    parsed = ParsedFile(path=path, data=None, display=name)
    parsed.data = {} if node is None else _plain(node, (), parsed.lines, name)
    return parsed


def _compose_fast(text: str, name: str) -> yaml.Node | None:
    # libyaml (C) reads a whole-country seed in about a second, the Python parser in twenty.
    # An anchor needs "&" and an alias "*": without either character there is nothing to refuse.
    if "&" in text or "*" in text:
        _refuse_aliases(text, name, yaml.CSafeLoader)
    return yaml.compose(text, Loader=yaml.CSafeLoader)


def _compose_reporting(text: str, name: str) -> yaml.Node | None:
    """The Python parser, for a file libyaml refused: its messages are the ones editors know
    (libyaml words them differently), and it decides alone whether the file is invalid."""
    try:
        _refuse_aliases(text, name, yaml.SafeLoader)
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"invalid YAML: {error.problem}"
        if error.context and error.context_mark is not None and error.context_mark is not mark:
            message += f" ({error.context} started at line {error.context_mark.line + 1})"
        raise SeedFileError(Problem(name, line, "(file)", message)) from None
    except yaml.YAMLError as error:
        raise SeedFileError(Problem(name, 1, "(file)", f"invalid YAML: {error}")) from None


def _check_size(raw: bytes, name: str) -> None:
    if len(raw) <= MAX_FILE_BYTES:
        return
    longest_line, longest = 1, 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if len(line) > longest:
            longest_line, longest = number, len(line)
    message = f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
    if longest > MAX_SCALAR_CHARS:
        message += f" (line {longest_line} alone is {longest:,} bytes)"
    raise SeedFileError(Problem(name, longest_line if longest > MAX_SCALAR_CHARS else 1, "(file)", message))


def _refuse_aliases(text: str, name: str, loader: Any) -> None:
    # Anchors and aliases let a small file expand to gigabytes ("billion laughs"); seed files
    # never need them, so any is refused before the document is built.
    for event in yaml.parse(text, Loader=loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            raise SeedFileError(
                Problem(name, line, "(file)", "YAML anchors and aliases (&, *) are not allowed in seed files")
            )


_NULLS = {"", "~", "null", "Null", "NULL"}


def _plain(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], name: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SeedFileError(
                    Problem(name, key_node.start_mark.line + 1, format_path(path), "keys must be plain words")
                )
            key = str(key_node.value)
            if key in result:
                raise SeedFileError(
                    Problem(name, key_node.start_mark.line + 1, format_path((*path, key)), "key appears twice")
                )
            result[key] = _plain(value_node, (*path, key), lines, name)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, (*path, index), lines, name) for index, child in enumerate(node.value)]
    value = node.value
    if len(value) > MAX_SCALAR_CHARS:
        raise SeedFileError(
            Problem(
                name,
                lines[path],
                format_path(path),
                f"text of {len(value):,} characters; the limit is {MAX_SCALAR_CHARS:,}",
            )
        )
    # Plain (unquoted) null words mean null; every other scalar stays text and the format
    # models convert it, so `1471` stays "1471" and `no` never becomes False.
    # (A plain scalar's style is None from the Python parser and "" from libyaml.)
    if node.tag == "tag:yaml.org,2002:null" or (not getattr(node, "style", None) and value in _NULLS):
        return None
    return value


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter: the same bytes as PyYAML's Python one (checked on the seed content and
    the whole country's 290 generated files), in a fifth of the time; bench/generate.py's
    whole country went from 34 s of CPU to 11 s."""


def _str_representer(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if style and any(line != line.rstrip() for line in value.split("\n")):
        style = None  # block scalars cannot keep trailing spaces; quoted style can
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)
_Dumper.ignore_aliases = lambda self, data: True  # type: ignore[method-assign]


def dump(data: Any) -> str:
    """Stable YAML: keys in the order given, text as block scalars where it has lines."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
