from __future__ import annotations

import json

import msgspec
import pytest
from hypothesis import given, settings

from sessions import snapshot
from sessions.model import Workshop
from sessions.templates import build
from tests.unit.test_export_workshops import filled, workshops

AT = "2026-11-26T10:00:00Z"


def _again(raw: bytes, new_id: str = "copy0001") -> bytes:
    """Import ``raw`` under a new id, and export it again."""
    workshop = msgspec.structs.replace(snapshot.read(raw), id=new_id)
    return snapshot.dump(workshop, AT)


def test_round_trip_of_the_travel_template_is_byte_identical() -> None:
    """Export, import, export again: the same bytes apart from the workshop's id."""
    first = snapshot.dump(build("travel", "fr", "travel01", "Atelier", "Anne"), AT)
    second = _again(first)
    assert second == first.replace(b'"travel01"', b'"copy0001"')


def test_round_trip_of_a_filled_workshop_is_byte_identical() -> None:
    """Every section (emotions, votes, roadmap, scenarios) survives the round trip."""
    original = filled("en")
    first = snapshot.dump(original, AT)
    assert snapshot.read(first) == original
    assert _again(first, "demo01") == first


@settings(max_examples=60, deadline=None)
@given(workshops())
def test_round_trip_of_random_workshops_is_byte_identical(workshop: Workshop) -> None:
    """Any valid workshop, however odd its text, comes back equal and dumps the same bytes."""
    first = snapshot.dump(workshop, AT)
    assert snapshot.read(first) == workshop
    assert _again(first, workshop.id) == first


def test_envelope_carries_schema_app_and_date_and_no_secret() -> None:
    """The envelope names its schema and date; the facilitator's token is nowhere in it."""
    document = json.loads(snapshot.dump(filled(), AT))
    assert document["schema"] == snapshot.SCHEMA == 2
    assert document["app"] == "parcours"
    assert document["exported_at"] == AT
    assert set(document) == {"schema", "app", "exported_at", "workshop"}
    assert "token" not in json.dumps(document["workshop"])


def test_a_schema_1_snapshot_is_upgraded() -> None:
    """A first-release snapshot (notes board only) reads, with every new field empty."""
    old = {
        "schema": 1,
        "exported_at": AT,
        "workshop": {
            "id": "old00001",
            "title": "First board",
            "counter": 5,
            "stages": [{"id": "s2", "title": "Search"}],
            "lanes": [{"id": "l3", "kind": "irritants"}],
            "personas": [{"id": "a4", "name": "Léa", "emoji": "🤿"}],
            "notes": {
                "n5": {
                    "id": "n5",
                    "persona": "a4",
                    "stage": "s2",
                    "lane": "l3",
                    "text": "Too many offers",
                    "channel": "web",
                    "pos": 1.0,
                    "author": "p1",
                    "version": 2,
                }
            },
            "participants": {"p1": {"id": "p1", "name": "Anne", "role": "facilitator"}},
        },
    }
    workshop = snapshot.read(json.dumps(old).encode())
    assert workshop.notes["n5"].tags == () and workshop.notes["n5"].version == 2
    assert workshop.personas[0].verbatims == "" and workshop.roadmap == {}
    upgraded = json.loads(snapshot.dump(workshop, AT))
    assert upgraded["schema"] == 2
    assert upgraded["workshop"]["notes"]["n5"]["hidden"] is False
    assert upgraded["workshop"]["personas"][0]["promise"] == ""


def _broken(change: object) -> bytes:
    document = json.loads(snapshot.dump(filled(), AT))
    change(document)  # type: ignore[operator]
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "no `workshop`"),
        (b'{"workshop": {}}', "no valid `schema`"),
        (b'{"schema": true, "workshop": {}}', "no valid `schema`"),
        (b'{"schema": 99, "workshop": {}}', "newer Parcours (schema 99)"),
        (b'{"schema": 2, "workshop": []}', "`workshop` must be an object"),
        (b'{"schema": 2, "workshop": {"id": "x"}}', "`title`"),
    ],
)
def test_invalid_files_are_refused_with_a_reason(raw: bytes, words: str) -> None:
    """Files that are not snapshots are refused, the message says why."""
    with pytest.raises(snapshot.InvalidSnapshot) as refused:
        snapshot.read(raw)
    assert words in refused.value.message
    assert refused.value.code == "invalid_snapshot"


def test_a_wrong_type_is_located_by_the_entry_key() -> None:
    """A wrong type inside a keyed map names the key and the field."""

    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["workshop"]["notes"][next(iter(d["workshop"]["notes"]))]["text"] = 42

    with pytest.raises(snapshot.InvalidSnapshot) as refused:
        snapshot.read(_broken(change))
    first = next(iter(filled().notes))
    assert f'workshop.notes["{first}"].text' in refused.value.message
    assert "Expected `str`, got `int`" in refused.value.message


def test_a_wrong_type_in_a_list_is_located_by_its_index() -> None:
    """A wrong type inside a list names its index."""

    def change(d: dict) -> None:  # type: ignore[type-arg]
        d["workshop"]["stages"][1]["title"] = None

    with pytest.raises(snapshot.InvalidSnapshot) as refused:
        snapshot.read(_broken(change))
    assert "`workshop.stages[1].title`" in refused.value.message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["workshop"].update(stages=[]), "1 to 12 stages"),
        (lambda d: d["workshop"].update(counter=3), "workshop.counter (3) is below"),
        (
            lambda d: d["workshop"]["personas"].append(dict(d["workshop"]["personas"][0])),
            "is used twice",
        ),
        (
            lambda d: next(iter(d["workshop"]["notes"].values())).update(persona="a999"),
            "names the persona 'a999', which does not exist",
        ),
        (
            lambda d: next(iter(d["workshop"]["notes"].values())).update(text="x" * 501),
            "text is longer than 500",
        ),
        (
            lambda d: d["workshop"]["participants"]["p1"].update(role="participant"),
            "has no facilitator",
        ),
        (
            lambda d: next(iter(d["workshop"]["emotions"].values()))["ratings"].update(p2=3),
            "rating outside -2..2",
        ),
        (
            lambda d: next(iter(d["workshop"]["roadmap"].values())).update(quarter=8),
            "quarter must be 0 to 7",
        ),
        (
            lambda d: next(iter(d["workshop"]["roadmap"].values())).update(override="maybe"),
            "override is not one of",
        ),
        (
            lambda d: next(iter(d["workshop"]["roadmap"].values()))["scores"].update(
                impact={"p2": 9}
            ),
            "score outside 1..5",
        ),
        (
            lambda d: (  # an open round; a closed one is history and may name deleted notes
                d["workshop"]["rounds"][0].update(status="open"),
                d["workshop"]["rounds"][0]["items"].append("o404"),
            ),
            "names the objective, note or plan row 'o404'",
        ),
        (
            lambda d: next(iter(d["workshop"]["scenarios"].values()))["fields"].update(x="y"),
            "unknown field 'x'",
        ),
    ],
)
def test_inconsistent_snapshots_are_refused_naming_the_problem(change: object, words: str) -> None:
    """A snapshot that breaks an invariant is refused, with the place and the problem."""
    with pytest.raises(snapshot.InvalidSnapshot) as refused:
        snapshot.read(_broken(change))
    assert words in refused.value.message


def test_oversized_files_are_refused_before_parsing() -> None:
    """A file above the size limit is refused without being decoded."""
    with pytest.raises(snapshot.InvalidSnapshot, match="larger than"):
        snapshot.read(b" " * (snapshot.SNAPSHOT_MAX + 1))
