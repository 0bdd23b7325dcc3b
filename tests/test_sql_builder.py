"""The SQL builder (models/sql.py): fragments carry their values, nest without naming them, and
compile to each dialect's placeholders; one fragment runs on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.exceptions import IntegrityError

from models import CitizenPromise
from models.sql import Fragment, all_of, insert, one_of, rows, sql, visible, writes_behind, year_of
from models.transactions import write_transaction
from tests.conftest import Database


def test_values_are_numbered_across_nested_fragments_in_order() -> None:
    inner = sql("m.code = {} AND m.county_id = {}", "1471", "14")
    outer = sql("SELECT m.name FROM municipality m WHERE {} AND {} LIMIT {}", sql("r.name = {}", "Väst"), inner, 5)
    postgres = outer.compiled(postgres=True)
    assert postgres.text == (
        "SELECT m.name FROM municipality m WHERE r.name = $1 AND m.code = $2 AND m.county_id = $3 LIMIT $4"
    )
    assert postgres.values() == ["Väst", "1471", "14", 5]
    sqlite = outer.compiled(postgres=False)
    assert (
        sqlite.text == "SELECT m.name FROM municipality m WHERE r.name = ? AND m.code = ? AND m.county_id = ? LIMIT ?"
    )
    assert sqlite.values() == ["Väst", "1471", "14", 5]


def test_two_helpers_binding_a_value_each_never_clash() -> None:
    # With named parameters both would have been `:year`, and the second's value would have failed
    # the statement (or, renamed by hand, needed every caller to know the other's names).
    def covers(year: int) -> Fragment:
        return sql("y.year = {}", year)

    both = sql.join([covers(2023), covers(2024)], " OR ")
    assert both.compiled(postgres=True).text == "y.year = $1 OR y.year = $2"
    assert both.compiled(postgres=True).values() == [2023, 2024]


def test_one_value_used_twice_is_one_postgres_parameter_and_two_sqlite_ones() -> None:
    year = sql.value(2024)
    fragment = sql("{} BETWEEN b.first_year AND b.last_year AND p.start <= {}", year, year)
    assert fragment.compiled(postgres=True).text == "$1 BETWEEN b.first_year AND b.last_year AND p.start <= $1"
    assert fragment.compiled(postgres=True).values() == [2024]
    assert fragment.compiled(postgres=False).values() == [2024, 2024]


def test_dialect_text_around_the_same_values_and_values_adapted_per_dialect() -> None:
    moment = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    fragment = all_of(
        [one_of("m.code", ["1471", "1480"]), visible("p", moment), sql("p.period_start <= {}", dt.date(2024, 12, 31))]
    )
    postgres = fragment.compiled(postgres=True)
    assert postgres.text.startswith(
        "m.code = ANY($1) AND (p.status = $2 AND (p.publish_at IS NULL OR p.publish_at <= $3)"
    )
    assert postgres.text.endswith("AND p.period_start <= $4")
    assert postgres.values() == [["1471", "1480"], "PUBLISHED", moment, dt.date(2024, 12, 31)]
    sqlite = fragment.compiled(postgres=False)
    assert sqlite.text.startswith("m.code IN (SELECT value FROM json_each(?)) AND (p.status = ?")
    assert sqlite.values() == [
        '["1471","1480"]',
        "PUBLISHED",
        "2024-05-01 10:00:00+00:00",
        "2024-05-01 10:00:00+00:00",
        "2024-12-31",
    ]
    assert "EXTRACT(YEAR FROM p.period_end)" in year_of("p.period_end").compiled(postgres=True).text
    assert year_of("p.period_end").compiled(postgres=False).text == "CAST(SUBSTR(p.period_end, 1, 4) AS INTEGER)"


def test_identifiers_are_quoted_and_values_never_become_text() -> None:
    hostile = "x'); DROP TABLE agreement; --"
    fragment = sql(
        "SELECT {} FROM {} WHERE slug = {}", sql.identifier("a", 'we"ird'), sql.identifier("agreement"), hostile
    )
    compiled = fragment.compiled(postgres=True)
    assert compiled.text == 'SELECT "a"."we""ird" FROM "agreement" WHERE slug = $1'
    assert compiled.values() == [hostile]
    with pytest.raises(ValueError, match="2 holes for 1 parts"):
        sql("{} = {}", "a")


def test_a_late_value_is_given_when_the_kept_statement_runs() -> None:
    now = sql.late("now")
    compiled = sql("SELECT 1 WHERE {} AND x = {}", visible("p", now), "a").compiled(postgres=False)
    moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert compiled.values(now=moment) == ["PUBLISHED", "2026-01-01 00:00:00+00:00", "2026-01-01 00:00:00+00:00", "a"]
    kept = sql("y = {}", 1)
    assert kept.compiled(postgres=True) is kept.compiled(postgres=True)  # compiled once per dialect


def test_a_values_list_binds_its_rows_as_given_numbered_among_the_other_values() -> None:
    moment = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    before = sql.value("a")
    statement = sql(
        "WITH k AS (SELECT {} AS x) INSERT INTO t (a, b) VALUES {} RETURNING {}, {}",
        before,
        sql.values([[1, moment], [2, None]]),
        before,
        "z",
    )
    postgres = statement.compiled(postgres=True)
    assert postgres.text == "WITH k AS (SELECT $1 AS x) INSERT INTO t (a, b) VALUES ($2, $3), ($4, $5) RETURNING $1, $6"
    assert postgres.values() == ["a", 1, moment, 2, None, "z"]
    sqlite = statement.compiled(postgres=False)
    assert sqlite.text == "WITH k AS (SELECT ? AS x) INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING ?, ?"
    # The rows' values are a bulk write's, encoded by the models' fields already: not adapted.
    assert sqlite.values() == ["a", 1, moment, 2, None, "a", "z"]
    with pytest.raises(ValueError, match="needs 2 value"):
        sql.values([[1, 2], [3]])
    with pytest.raises(ValueError, match="needs a row"):
        sql.values([])


def test_late_values_of_encoded_rows_are_bound_as_they_are() -> None:
    moment = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    compiled = sql("UPDATE t SET at = {} WHERE id = {} AND kind = {}", sql.late("at"), sql.late("id"), "x").compiled(
        postgres=False
    )
    assert compiled.encoded({"at": moment, "id": 7}) == [moment, 7, "x"]
    assert compiled.values(at=moment, id=7) == ["2024-05-01 10:00:00+00:00", 7, "x"]


async def test_the_same_fragment_runs_on_both_databases(seeded: Database) -> None:
    statement = sql(
        "SELECT p.slug, {} AS start_year FROM citizen_promise p JOIN municipality m ON m.code = p.municipality_id"
        " WHERE {} AND m.name <> {} ORDER BY p.slug",
        year_of("p.period_start"),
        one_of("m.code", ["1471", "1480", "9999"]),
        "Ingen",
    )
    found = [(row["slug"], row["start_year"]) for row in await rows(statement)]
    expected = [
        (promise.slug, promise.period_start.year if promise.period_start else None)
        for promise in await CitizenPromise.filter(municipality_id__in=["1471", "1480"]).order_by("slug")
    ]
    assert found == expected and len(found) >= 2


async def test_rows_sent_ahead_are_read_back_in_order_and_a_failed_copy_fails_the_write_with_its_own_error(
    fresh: Database,
) -> None:
    """Inside `writes_behind` a COPY returns once sent (PostgreSQL; SQLite inserts as outside):
    the next statement still runs after it, and a COPY the database refuses fails the block with
    the database's refusal, whatever statement came after it, and the transaction writes nothing."""
    topics = [row["key"] for row in await rows(sql("SELECT key FROM topic ORDER BY key"))]
    [commitment] = await rows(sql("SELECT MIN(id) AS id FROM commitment"))
    existing = await rows(sql("SELECT topic_id FROM commitment_topic WHERE commitment_id = {}", commitment["id"]))
    free = [topic for topic in topics if topic not in {row["topic_id"] for row in existing}]
    columns = ["commitment_id", "topic_id", "position"]
    async with write_transaction(), writes_behind():
        await insert("commitment_topic", columns, [[commitment["id"], free[0], 90]])
        await insert("commitment_topic", columns, [[commitment["id"], free[1], 91]])
        seen = await rows(sql("SELECT position FROM commitment_topic WHERE position >= 90 ORDER BY position"))
        assert [row["position"] for row in seen] == [90, 91]
    with pytest.raises(IntegrityError) as refused:
        async with write_transaction(), writes_behind():
            await insert("commitment_topic", columns, [[commitment["id"], free[2], 92]])
            await insert("commitment_topic", columns, [[commitment["id"], "no-such-topic", 93]])
            await insert("commitment_topic", columns, [[commitment["id"], free[3], 94]])
            await rows(sql("SELECT COUNT(*) AS n FROM commitment_topic"))
    assert "foreign key" in str(refused.value).lower()
    left = await rows(sql("SELECT position FROM commitment_topic WHERE position >= 90 ORDER BY position"))
    assert [row["position"] for row in left] == [90, 91]
