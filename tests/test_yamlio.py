"""The YAML reader: libyaml reads, and the result is what the Python parser would have given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from seed import yamlio
from seed.reference import REFERENCE_DIR
from tests.conftest import SEED_CONTENT


def _python_parser(text: str) -> tuple[Any, dict[yamlio.PathKey, int]]:
    """How the reader worked before it used libyaml."""
    yamlio._refuse_aliases(text, "x", yaml.SafeLoader)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[yamlio.PathKey, int] = {}
    return ({} if node is None else yamlio._plain(node, (), lines, "x")), lines


SAMPLES = [
    "a: ~\nb: null\nc: Null\nd:\ne: 'null'\nf: !!str null\ng: \"~\"\n",
    "- 1471\n- no\n- 2024-01-01\n- 1.5\n",
    "text: |\n  first\n  second\nfolded: >\n  one\n  two\n",
    "{a: 1, b: [x, y]}\n",
    "a: b & c\nd: '*not an alias*'\n",
    "",
    "# only a comment\n",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_libyaml_reads_what_the_python_parser_reads(text: str, tmp_path: Path) -> None:
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    parsed = yamlio.read(path)
    assert (parsed.data, parsed.lines) == _python_parser(text)


def test_every_project_file_reads_the_same_with_both_parsers() -> None:
    for path in [*SEED_CONTENT.glob("*.yaml"), *REFERENCE_DIR.glob("*.yaml")]:
        parsed = yamlio.read(path)
        assert (parsed.data, parsed.lines) == _python_parser(path.read_text(encoding="utf-8")), path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: [1, 2\nb: 3\n", 2, "invalid YAML: expected ',' or ']', but got ':' (while parsing a flow sequence"),
        ("a: b: c\n", 1, "invalid YAML: mapping values are not allowed here"),
        ("a: 'open\n", 2, "invalid YAML: found unexpected end of stream"),
        ("--- a\n--- b\n", 2, "invalid YAML: but found another document"),
        ("a: &x 1\nb: *x\n", 1, "YAML anchors and aliases (&, *) are not allowed in seed files"),
        ("a: 1\nb: *x\n", 2, "YAML anchors and aliases (&, *) are not allowed in seed files"),
    ],
)
def test_problems_keep_the_python_parsers_words_and_lines(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yamlio.SeedFileError) as raised:
        yamlio.read(path, "broken.yaml")
    problem = raised.value.problem
    assert (problem.file, problem.line, problem.field) == ("broken.yaml", line, "(file)")
    assert problem.message.startswith(message), problem.message


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("a:\n  b: 1\n  b: 2\n", 3, "a.b", "key appears twice"),
        ("a:\n  - x\n  - [1, 2]: y\n", 3, "a[1]", "keys must be plain words"),
        (f"a:\n  - x\n  - {'y' * (yamlio.MAX_SCALAR_CHARS + 1)}\n", 3, "a[1]", "text of 100,001 characters"),
    ],
)
def test_refusals_of_the_walk_say_where(tmp_path: Path, text: str, line: int, field: str, message: str) -> None:
    path = tmp_path / "refused.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(yamlio.SeedFileError) as raised:
        yamlio.read(path, "refused.yaml")
    problem = raised.value.problem
    assert (problem.file, problem.line, problem.field) == ("refused.yaml", line, field)
    assert problem.message.startswith(message), problem.message


def test_lines_are_found_when_asked() -> None:
    path = next(iter(SEED_CONTENT.glob("*.yaml")))
    parsed = yamlio.read(path)
    assert parsed._lines is None  # nothing asked for a line yet
    first = next(iter(parsed.data))
    assert parsed.line_of((first, 0)) == parsed.lines[(first, 0)] > 1
    assert parsed.lines == _python_parser(path.read_text(encoding="utf-8"))[1]
