"""`samverkan seed suggest-topics`: proposals from Swedish word stems, never written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from seed.cli import app
from seed.reference import read_reference
from seed.suggest import TopicSuggester
from seed.yamlio import read
from tests.conftest import ROOT

UNTAGGED = """\
citizen_promises:
  - slug: test-medborgarlofte
    title: Medborgarlöfte 2024
    municipality: "1471"
    period: {start: 2024-01-01, end: 2024-12-31, label: "2024"}
    commitments:
      - key: polis-1
        actor: POLIS
        text: Öka polisnärvaron vid skolorna och motverka langning av alkohol till ungdomar.
      - key: kommun-1
        actor: KOMMUN
        text: Ordna möten.
        topics: []
      - key: kommun-2
        actor: KOMMUN
        text: Förebygga inbrott.
        topics: [inbrott]
"""


def test_suggests_for_untagged_commitments_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "promise.yaml"
    path.write_text(UNTAGGED, encoding="utf-8")
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["seed", "suggest-topics", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{path}:7: test-medborgarlofte/polis-1: alkohol (langning, alkohol), ungdomar (ungdomar)," in result.output
    assert "skola (skolorna), patrullering (polisnärvaron)" in result.output
    assert f"{path}:10: test-medborgarlofte/kommun-1: no suggestion" in result.output
    assert "kommun-2" not in result.output  # tagged already
    assert "2 commitments without topics, 1 with suggestions; nothing was written" in result.output
    assert path.read_bytes() == before


def test_the_seed_content_is_tagged() -> None:
    result = CliRunner().invoke(app, ["seed", "suggest-topics", str(ROOT / "seed" / "content")])
    assert result.exit_code == 0, result.output
    assert "0 commitments without topics" in result.output


def test_stems_match_inflections_and_compounds() -> None:
    suggester = TopicSuggester.from_reference()
    assert dict(suggester.suggest("Genomföra trygghetsvandringar där belysningen är dålig.")) == {
        "otrygghet": ["belysningen"],
        "trygghetsvandring": ["trygghetsvandringar"],
    }
    assert [topic for topic, _ in suggester.suggest("Informera om telefonbedrägerier och trafiksäkerheten.")] == [
        "trafik",
        "bedrageri",
        "kommunikation",
    ]
    assert suggester.suggest("Ordna möten.") == []


def test_every_topic_has_words() -> None:
    words = read(ROOT / "seed" / "reference" / "topic_words.yaml").data
    assert sorted(words) == sorted(topic.key for topic in read_reference().topics)
    assert all(words[key] for key in words)
