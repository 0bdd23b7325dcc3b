"""The read model, declared once: what each GraphQL type reads and how its relations join.

Each domain folder declares its types beside them (`api/<domain>/reads.py`); the compiler
(api/compiled/compiler.py) turns a query over them into one SQL statement. A declaration is
data, not code that runs per request:

- `Table`: a type stored as rows of one table, with its key for global IDs (an SQL expression),
  the scope rule's alias for its visibility (api/editorial/scope.py) and its fields.
- `Shape`: a type built from columns of its parent's row (a Period, a signatory's Person).
- Fields: `Value` (a column or small SQL expression and the kind of JSON value it gives),
  `Text` (rich text: the Markdown column, with its renderings stored beside it as
  `<column>_html` and `<column>_plain`, models/rendered.py, so every format is a column),
  `GlobalId`,
  `Nested` (a Shape), `Related` (a relation: rows of another Table joined to this row, one or a
  list, with their order, visibility, arguments and whether the schema promises a value), and
  `Values` (a list of scalars read from a table, e.g. topic keys), `Elements` (a list of
  objects held as a JSON array column of the row: sections, links, problem areas, each element
  an `Element` shape whose `Value`s read its members and whose `ElementText` is rich text with
  its renderings in the row's JSON lists beside it); on the rows of a grouped
  root (statistics, coverage) `Group` (the row's group, one object per dimension grouped by)
  and `Derived` (rows of a Table related to the grouped row by the root's arguments).

SQL templates name rows by placeholders: `{c}` the row being described (the child, for a
relation), `{p}` its parent's row, `{j}` a join table of the relation. The compiler gives every
placeholder a fresh alias, so a type can appear at any depth.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from models.sql import Fragment

# What JSON a value is: how each database turns it into JSON differs for booleans and JSON columns.
Kind = Literal["text", "number", "date", "timestamp", "enum", "boolean", "json"]

# Extra conditions a relation's arguments add: (child alias, arguments by Python name).
Conditions = Callable[[str, Mapping[str, Any]], list[Fragment]]

# The visibility of the rows of a scope rule's alias, as the request may see them.
Visible = Callable[[str], Fragment]


@dataclass(frozen=True)
class Value:
    sql: str
    kind: Kind = "text"
    # The schema promises a value but the SQL may give NULL (an outer join): the statement then
    # fails on purpose and the reference path answers, with the error the spec gives.
    may_be_null: bool = False


@dataclass(frozen=True)
class Text:
    """Rich text: `sql` is its Markdown column, whose renderings are the columns of the same
    name ending `_html` and `_plain` (written with it, models/rendered.py); `default` is what a
    null gives (None: null)."""

    sql: str
    default: str | None = None

    def column(self, text_format: str | None) -> str:
        """The column of the format the field is asked in (MARKDOWN, HTML or PLAIN; None: MARKDOWN)."""
        if text_format in (None, "MARKDOWN"):
            return self.sql
        return f"{self.sql}_{text_format.lower()}"


@dataclass(frozen=True)
class GlobalId:
    """The type's global ID: base64("Type:key") from its Table's key; with `of`, the ID of
    another row whose type name is SQL too (`of`, on {c}) and its key `key` (an activity log
    entry's item): null when either is."""

    of: str | None = None
    key: str = ""


@dataclass(frozen=True)
class Nested:
    shape: str
    # SQL that is NULL when the nested object is null (a period not known at all); None: never null.
    present: str | None = None


@dataclass(frozen=True)
class Related:
    target: str
    # "FROM"-part: the target's table as {c}, with any join tables as {j}, {j2}.
    source: str
    # Joins the child to its parent {p}.
    where: str
    order: str = ""
    many: bool = True
    # The scope rule's aliases whose visibility applies, each with the placeholder of its row:
    # e.g. (("c", "f"), ("j", "p")) for a follow-up {c} joined to its citizen promise {j}.
    visible: tuple[tuple[str, str], ...] = ()
    arguments: Conditions | None = None
    # The schema promises a value (a non-null to-one relation): see Value.may_be_null.
    required: bool = False


@dataclass(frozen=True)
class Computed:
    """A value read by SQL and finished in Python once the statement has run (`compute` on the
    JSON value the SQL gives), for what SQL cannot give as the reference path does: a revision's
    snapshot with its objects' keys in order."""

    sql: str
    kind: Kind
    compute: Callable[[Any], Any]


@dataclass(frozen=True)
class Values:
    """A list of scalars, one per row of `source` joined by `where`, in `order`."""

    sql: str
    source: str
    where: str
    order: str
    kind: Kind = "text"


@dataclass(frozen=True)
class Group:
    """A grouped row's group (`Grouped` roots): one object per dimension the root groups by,
    the i-th of them `shape(i, dimension)`, a Shape reading the row's columns of that index."""

    shape: Callable[[int, str], Shape]


@dataclass(frozen=True)
class Derived:
    """A list of rows of `target` (as `alias`) for a grouped row, joined to it by the root's
    request: `rows(grouping, row alias, field arguments)` gives the FROM-part, the condition
    and the order."""

    target: str
    alias: str
    rows: Callable[[Grouping, str, Mapping[str, Any]], tuple[Fragment, Fragment, str]]


@dataclass(frozen=True)
class Elements:
    """A list of objects held as a JSON array: one object of the Element shape `target` per
    element of `array` (SQL on the row {c}), in the array's order, those `where` keeps (SQL on
    the element's JSON value {c}; "": all)."""

    target: str
    array: str
    where: str = ""


@dataclass(frozen=True)
class ElementText:
    """Rich text held in a JSON array's elements (a section's body): the Markdown is the
    element's member `key`, its renderings the elements of the row's JSON lists
    `<renderings>_html` and `<renderings>_plain` at the element's index (models/rendered.py).
    A missing one gives the empty text, as the reference path gives it."""

    key: str
    renderings: str


@dataclass(frozen=True)
class NodeRef:
    """An object of the field's interface (a link's target: any Node) named by a type and a key
    held in the row, found as `node(id:)` finds it (each Table's lookup and its visibility); null
    when it is not here or not visible. A lookup of two parts splits the key at its first "/"
    (a commitment's "promise-slug#key", the "#" read as "/"), as the Table's `split_key` does."""

    type: str
    key: str


Field = (
    Value | Text | GlobalId | Nested | Related | Values | Computed | Group | Derived | Elements | ElementText | NodeRef
)


@dataclass(frozen=True)
class Shape:
    name: str
    fields: Mapping[str, Field]
    # The column a failure is tied to (Dialect.fail_if_null, Dialect.enum): a Table's key
    # column; a grouped row's number `n`.
    anchor: str = "{c}.id"


@dataclass(frozen=True)
class Element(Shape):
    """A type built from one element of a JSON array (`Elements`): `{c}` in its fields' SQL is
    the element's JSON value (`{c} ->> 'heading'`, which both databases read alike)."""

    anchor: str = "{c}"


@dataclass(frozen=True)
class Table(Shape):
    table: str = ""
    # The key global IDs encode, as SQL on {c}.
    key: str = "{c}.slug"
    # How a row is found by its key (`node(id:)`, root fields by slug or code): a condition on
    # {c} with the key's parts bound where the template names them (`{key}`), after
    # `lookup_source` (joins, as {j}) and with the visibility `lookup_visible` (as in Related.visible).
    lookup: str = "{c}.slug = {key}"
    lookup_source: str = ""
    lookup_visible: tuple[tuple[str, str], ...] = ()
    # The key's parts as `lookup` binds them (a commitment's "promise-slug/key" is two).
    split_key: Callable[[str], dict[str, str]] = field(default=lambda key: {"key": key})


# Fields every content item shares (api/core/content.py), declared once.
def content_fields() -> dict[str, Field]:
    return {
        "id": GlobalId(),
        "slug": Value("{c}.slug"),
        "status": Value("{c}.status", "enum"),
        "sourceUrl": Value("{c}.source_url"),
        "sourcePublishedOn": Value("{c}.source_published_on", "date"),
        "sourceUpdatedOn": Value("{c}.source_updated_on", "date"),
        "sourceIncomplete": Value("{c}.source_incomplete", "boolean"),
        "sourceNote": Value("{c}.source_note"),
        "summary": Text("{c}.summary"),
        "publishedAt": Value("{c}.published_at", "timestamp"),
        "updatedAt": Value("{c}.updated_at", "timestamp"),
        "links": Elements("Link", "{c}.links"),
    }


PERIOD = Nested("Period", present="{c}.period_start")

# A period as printed (api/core/content.py, Period), from its owner's columns.
PERIOD_SHAPE = Shape(
    "Period",
    {
        "start": Value("{c}.period_start", "date"),
        "end": Value("{c}.period_end", "date"),
        "label": Value("{c}.period_label"),
    },
)

# A titled block of a document's text (api/core/content.py, Section): an element of its
# `sections`, the body's renderings in `sections_html` and `sections_plain`.
SECTION_SHAPE = Element(
    "Section",
    {
        "heading": Value("{c} ->> 'heading'", may_be_null=True),
        "role": Value("{c} ->> 'role'"),
        "body": ElementText("body", "{p}.sections"),
    },
)
SECTIONS = Elements("Section", "{c}.sections")

# A reference printed in a document (api/core/content.py, Link): an element of its `links`.
LINK_SHAPE = Element(
    "Link",
    {
        "label": Value("{c} ->> 'label'", may_be_null=True),
        "url": Value("{c} ->> 'url'"),
        "target": NodeRef("{c} -> 'target' ->> 'type'", "{c} -> 'target' ->> 'slug'"),
    },
)

# The tables of the scope rule's aliases (api/editorial/scope.py, concerns_sql).
SCOPED_TABLES = {
    "a": "agreement",
    "p": "citizen_promise",
    "f": "follow_up",
    "s": "service_agreement",
    "k": "contact",
}


# ---------------------------------------------------------------- root fields


@dataclass(frozen=True)
class ByKey:
    """A root field giving one object by a key argument (`municipality(code:)`), or null."""

    target: str
    argument: str


# The conditions of a root list: (the request's visibility, arguments by Python name).
RootConditions = Callable[[Visible, Mapping[str, Any]], list[Fragment]]


@dataclass(frozen=True)
class Listing:
    """A root Relay connection over `tables` (with the aliases the domain's filter functions
    use), its node the row of `alias`, in the order of `keys` (api/core/pagination.py). The one
    description of the list: its resolver (`listing`, api/core/relations.py) and the compiler
    read it alike."""

    target: str
    tables: str
    alias: str
    where: RootConditions
    keys: tuple[Any, ...]  # SortKey: declared in api/core/pagination.py
    # The arguments `where` and the order answer for; a document giving any other is left to
    # the reference path rather than answered wrongly.
    accepts: frozenset[str] = frozenset({"filter", "first", "after", "preview"})
    # A list of several orders (the commitments' `orderBy`): the order's keys, its cursors' tag
    # and its FROM-part (an order may read the tables another way) from the arguments (by
    # Python name).
    ordered: Callable[[Mapping[str, Any]], tuple[tuple[Any, ...], str | None, str]] | None = None
    # Who may read the list (the request's Viewer); anyone else is declined, and the reference
    # path words the refusal. None: everyone.
    admits: Callable[[Any], bool] | None = None

    def order(self, arguments: Mapping[str, Any]) -> tuple[tuple[Any, ...], str | None, str]:
        """The keys, the cursors' tag and the FROM-part of the page the arguments ask for: both
        paths read the list from here (the compiler, and api/core/relations.py `listing`)."""
        return self.ordered(arguments) if self.ordered is not None else (self.keys, None, self.tables)


@dataclass(frozen=True)
class Everything:
    """A root list of every row of `target`'s table, in `order` (`{c}` the row): reference data
    such as `counties` and `topics`, which have no visibility rule and no pages."""

    target: str
    order: str


@dataclass(frozen=True)
class Grouping:
    """What a grouped root's statement is built for: the root field's arguments (Python names),
    the moment visibility is judged at (None: a preview that sees everything, as the reference
    path counts; else bound when the statement runs) and the request's time, of which only the
    year is read (statistics' window of years: the kept statements are keyed by it,
    api/compiled/reads.py)."""

    arguments: Mapping[str, Any]
    moment: Fragment | None
    now: datetime


@dataclass(frozen=True)
class Grouped:
    """A root list of the rows one statement gives (statistics, coverage: GROUP BY), each an
    object of the Shape `target` read from the row's columns, in the order of its column `n`.
    `dimensions` are the dimensions grouped by (enum values, for `Group`)."""

    target: str
    statement: Callable[[Grouping], Fragment]
    dimensions: Callable[[Mapping[str, Any]], list[str]]


@dataclass(frozen=True)
class Picked:
    """A root list of rows of `target` (as `alias`) that the root's arguments pick (an item's
    revisions). `rows(arguments, viewer)` gives the FROM-part, the condition, the order and a
    guard (None: none); a false guard makes the statement give null, and a null list (which the
    schema never promises) sends the request to the reference path, whose refusal it is to word,
    as `rows` raising does. With `finish`, the statement gives each row's `reads` (fields of
    `target` that are `Value`s or `Computed`s, read as they are, by name) and
    `finish(rows, arguments)` computes the answer's objects from them in Python (by field name;
    a revision diff), shaped as the document asks."""

    target: str
    alias: str
    rows: Callable[[Mapping[str, Any], Any], tuple[Fragment, Fragment, str, Fragment | None]]
    admits: Callable[[Any], bool] | None = None
    reads: tuple[str, ...] = ()
    finish: Callable[[list[Any], Mapping[str, Any]], list[dict[str, Any]]] | None = None


Root = ByKey | Listing | Everything | Grouped | Picked
