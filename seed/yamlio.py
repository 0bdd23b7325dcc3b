"""Reading seed YAML safely, remembering the line of every value, and writing it back stably.

A file is read once into plain data; the line of each value is found only when something asks
for it (a problem, a conflict, `seed suggest-topics`), by reading the kept text again. On the
whole-country content (290 files, 11 MB) reading took 4.5 s of CPU with the lines, 2.9 s now:
libyaml's composer called PyYAML's tag resolver (Python, with its path resolvers) for every one
of 665,000 nodes, which seed files do not need (every scalar stays text, and a null is a plain
null word, as before), and the walk recorded a path tuple and a line for each of 392,000 values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]

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
    # The file's text, for finding lines when asked (None: data not read from a file).
    text: str | None = field(default=None, repr=False, compare=False)
    _lines: dict[PathKey, int] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> dict[PathKey, int]:
        """The line of every value, by path (read from the text the first time it is asked)."""
        if self._lines is None:
            self._lines = {}
            if self.text is not None:
                node = _compose(self.text, self.display)
                if node is not None:
                    _plain(node, (), self._lines, self.display)
        return self._lines

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
    node = _compose(text, name)
    if node is None:
        return ParsedFile(path=path, data={}, display=name, text=text, _lines={})
    try:
        data = _data(node)
    except _Refused:
        # Walked again with paths and lines, for the problem's place and words.
        data = _plain(node, (), {}, name)
    return ParsedFile(path=path, data=data, display=name, text=text)


def _compose(text: str, name: str) -> yaml.Node | None:
    try:
        return _compose_fast(text, name)
    except yaml.YAMLError:
        return _compose_reporting(text, name)


def _compose_fast(text: str, name: str) -> yaml.Node | None:
    # libyaml (C) reads a whole-country seed in about a second, the Python parser in twenty.
    # An anchor needs "&" and an alias "*": without either character there is nothing to refuse.
    if "&" in text or "*" in text:
        _refuse_aliases(text, name, yaml.CSafeLoader)
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


class _Composer(CParser):
    """libyaml's composer without PyYAML's tag resolution: a scalar's tag is the one written
    (`!!null`, `!!str`) or "str"; `_data` and `_plain` tell a null by its plain null word."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return _STR

    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


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
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"


class _Refused(Exception):
    """Something `_plain` refuses with a problem (it says where and why)."""


def _data(node: yaml.Node) -> Any:
    """What `_plain` gives, without the lines; raises _Refused where `_plain` raises a problem."""
    kind = node.__class__
    if kind is yaml.MappingNode:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise _Refused
            key = str(key_node.value)
            if key in result:
                raise _Refused
            result[key] = _data(value_node)
        return result
    if kind is yaml.SequenceNode:
        return [_data(child) for child in node.value]
    if kind is not yaml.ScalarNode:
        raise _Refused
    value = node.value
    if len(value) > MAX_SCALAR_CHARS:
        raise _Refused
    if node.tag == _NULL or (not node.style and value in _NULLS):  # type: ignore[attr-defined]
        return None
    return value


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
    if node.tag == _NULL or (not getattr(node, "style", None) and value in _NULLS):
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
