"""Arguments checked at the edge, before any of them reaches SQL.

Every resolver that takes arguments passes them to `check` (or the helpers below) first; the
bounds themselves are models/bounds.py's, the ones the seed files and the editorial mutations'
items are held to (seed/format.py), so a value refused here could not have been stored either.
A refusal is a GraphQL error with `extensions.code` BAD_USER_INPUT and `extensions.argument`,
the argument's path as the client wrote it ("filter.year"), and a message naming it:

    'filter.year' must be a year from 1900 to 2199 (got 0)

Bounds by kind of argument, all from the name and type of the argument:
- every string: no NUL; keys (slugs, codes, names, topics) at most 200 characters (the longest
  key column), IDs and cursors 1,000, free text as TEXT_LENGTHS says;
- `year` arguments and fields: 1900–2199; dates and times: 1900-01-01 to 2199-12-31;
- `document` (the seed file an item is kept in): a file stem, no path;
- page sizes and cursors: `page_request` in api/core/relay.py, through this module's errors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from graphql import GraphQLError

from models import bounds

BAD_USER_INPUT = "BAD_USER_INPUT"
KEY_LENGTH = 200
# Global IDs and cursors carry a key or two in base64 (a commitment's: its promise's slug and its key).
ID_LENGTH = 1_000
# Arguments of free text, by name, and their longest: a revision summary is stored in 500
# characters, a title in 300; search limits its query itself (settings.max_search_query_length).
TEXT_LENGTHS = {"summary": 500, "title": 300, "label": 200, "query": 100_000}
FILE_STEM = re.compile(r"^[^/\\:*?\"<>|]+$")


class BadInput(GraphQLError):
    """An argument outside its bounds: the client's error, told as such."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"'{argument}' {message}", extensions={"code": BAD_USER_INPUT, "argument": argument})
        self.argument = argument


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def text(argument: str, value: str, max_length: int = KEY_LENGTH) -> str:
    try:
        return bounds.text(value, max_length)
    except bounds.OutOfBounds as error:
        raise BadInput(argument, str(error)) from None


def check(**arguments: Any) -> None:
    """Check each argument (by its Python name) and, inside input objects, each field."""
    for name, value in arguments.items():
        _check(camel(name), name, value)


def refusal(**arguments: Any) -> BadInput | None:
    """`check`'s error as a value, for mutations, whose refusals are payloads."""
    try:
        check(**arguments)
    except BadInput as error:
        return error
    return None


def _check(path: str, name: str, value: Any) -> None:
    if value is None or isinstance(value, bool):
        return
    try:
        if isinstance(value, str):
            bounds.text(value, TEXT_LENGTHS.get(name, KEY_LENGTH))
            if name == "document" and (not FILE_STEM.match(value) or value.startswith(".")):
                raise bounds.OutOfBounds(f"must be a file name without a path or extension (got {value[:40]!r})")
        elif isinstance(value, int):
            if name == "year":
                bounds.year(value)
        elif isinstance(value, dt.datetime):
            bounds.timestamp(value)
        elif isinstance(value, dt.date):
            bounds.date(value)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                _check(f"{path}[{index}]", name, item)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                _check(f"{path}.{camel(field.name)}", field.name, getattr(value, field.name))
    except bounds.OutOfBounds as error:
        raise BadInput(path, str(error)) from None
