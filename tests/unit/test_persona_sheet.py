"""The structured persona sheet: its facts, levers and sources, its photo reference, undo of
each, and old workshops whose profile was one free text."""

from __future__ import annotations

import base64
import hashlib
import json

import msgspec
import pytest

from sessions import keeping, snapshot
from sessions.limits import FACT_MAX
from sessions.model import PERSONA_FACTS, Persona, Workshop
from sessions.protocol import EditPersona, Undo
from sessions.rules import Actor, apply_all
from sessions.templates import build
from tests.unit.ballots import NOW, play, refused
from tests.unit.method import room
from tests.unit.workshops import FACILITATOR

REF = "0123456789abcdef0123456789abcdef"


def edit(persona: str, field: str, value: str) -> EditPersona:
    return msgspec.convert(
        {"op_id": "e", "persona": persona, "field": field, "value": value}, EditPersona
    )


def kept(workshop: Workshop, actor: Actor, command: EditPersona | Undo) -> None:
    """Decide as the server does (history kept) and apply."""
    apply_all(workshop, keeping.decide(workshop, actor, command, NOW))


@pytest.mark.parametrize("field", PERSONA_FACTS)
def test_a_fact_is_one_tidied_line_of_at_most_fact_max(field: str) -> None:
    """Runs of spaces and line breaks fold; one character past FACT_MAX is refused."""
    workshop, pat, _ = room()
    who = workshop.personas[0].id
    play(workshop, pat, edit(who, field, "  forty\n two  "))
    assert getattr(workshop.personas[0], field) == "forty two"
    too_long = refused(workshop, pat, edit(who, field, "x" * (FACT_MAX + 1)))
    assert too_long.code == "invalid" and str(FACT_MAX) in too_long.message
    play(workshop, pat, edit(who, field, "x" * FACT_MAX))


@pytest.mark.parametrize("field", ["levers", "sources"])
def test_levers_and_sources_keep_their_lines(field: str) -> None:
    """The brand's levers and the sources are sheet texts: several lines stay as written."""
    workshop, pat, _ = room()
    text = "Six interviews\nTwo mystery visits"
    play(workshop, pat, edit(workshop.personas[0].id, field, text))
    assert getattr(workshop.personas[0], field) == text


def test_only_the_facilitator_sets_or_removes_a_photo_and_only_a_reference() -> None:
    """A participant's photo edit is forbidden; a value that is not a reference is invalid;
    the facilitator sets one and removes it."""
    workshop, pat, _ = room()
    who = workshop.personas[0].id
    assert refused(workshop, pat, edit(who, "photo", REF)).code == "forbidden"
    assert refused(workshop, FACILITATOR, edit(who, "photo", "../../etc")).code == "invalid"
    assert refused(workshop, FACILITATOR, edit(who, "photo", REF.upper())).code == "invalid"
    play(workshop, FACILITATOR, edit(who, "photo", REF))
    assert workshop.personas[0].photo == REF
    assert refused(workshop, pat, edit(who, "photo", "")).code == "forbidden"
    play(workshop, FACILITATOR, edit(who, "photo", ""))
    assert workshop.personas[0].photo == ""


def test_undo_puts_back_a_removed_photo_and_an_edited_fact() -> None:
    """Undo after removing the photo brings the reference back; undo of a fact restores it,
    and leaves the photo alone."""
    workshop = build("travel", "en", "w0000001", "Trips", "Ann")
    who = workshop.personas[0].id
    kept(workshop, FACILITATOR, edit(who, "photo", REF))
    kept(workshop, FACILITATOR, edit(who, "photo", ""))
    kept(workshop, FACILITATOR, Undo(op_id="u1"))
    assert workshop.personas[0].photo == REF
    kept(workshop, FACILITATOR, edit(who, "city", "Lyon"))
    kept(workshop, FACILITATOR, Undo(op_id="u2"))
    assert (workshop.personas[0].city, workshop.personas[0].photo) == ("Paris", REF)


def test_the_travel_demo_fills_every_field_of_its_personas_in_both_languages() -> None:
    """Both demo personas have age, family, job, city, story, levers and sources."""
    for lang in ("en", "fr"):
        workshop = build("travel", lang, "w0000001", "Trips", "Ann")
        for persona in workshop.personas:
            for field in (*PERSONA_FACTS, "profile", "levers", "sources"):
                assert getattr(persona, field).strip(), (lang, persona.name, field)
            assert all(len(getattr(persona, f)) <= FACT_MAX for f in PERSONA_FACTS)
            assert persona.photo == ""


def test_an_old_snapshot_s_free_profile_reads_on_as_the_story() -> None:
    """A snapshot made before the sheet had facts keeps its profile text (now the story), with
    the facts, levers, sources and photo empty; it exports again unchanged but for them."""
    workshop = build("blank", "en", "w0000001", "Old", "Ann")
    document = json.loads(snapshot.dump(workshop, "2026-01-01T00:00:00Z"))
    old_persona = document["workshop"]["personas"][0]
    for field in (*PERSONA_FACTS, "levers", "sources", "photo"):
        del old_persona[field]
    old_persona["profile"] = "28, married, nurse in Lyon; runs marathons."
    read = snapshot.read(json.dumps(document).encode())
    persona = read.personas[0]
    assert persona.profile == "28, married, nurse in Lyon; runs marathons."
    assert (persona.age, persona.city, persona.levers, persona.sources, persona.photo) == (
        "",
        "",
        "",
        "",
        "",
    )
    again = snapshot.read(snapshot.dump(read, "2026-01-01T00:00:00Z"))
    assert again == read


def test_a_snapshot_with_a_bad_photo_reference_is_refused() -> None:
    """An imported photo field must be a reference (nothing a path or a URL could become)."""
    workshop = build("blank", "en", "w0000001", "Old", "Ann")
    workshop.personas[0] = msgspec.structs.replace(workshop.personas[0], photo="http://x/y.png")
    with pytest.raises(snapshot.InvalidSnapshot, match="photo"):
        snapshot.read(snapshot.dump(workshop, "2026-01-01T00:00:00Z"))
    assert isinstance(workshop.personas[0], Persona)


def test_a_snapshot_carries_the_photos_its_personas_show_and_checks_them() -> None:
    """Only photos a persona shows travel (base64, by reference); a photo whose bytes do not
    hash to its reference, bad base64 or a bad key make the snapshot invalid."""
    workshop = build("travel", "en", "w0000001", "Trips", "Ann")
    jpeg = b"\xff\xd8 pretend jpeg \xff\xd9"
    ref = hashlib.sha256(jpeg).hexdigest()[:32]
    workshop.personas[0] = msgspec.structs.replace(workshop.personas[0], photo=ref)
    raw = snapshot.dump(workshop, "2026-01-01T00:00:00Z", {ref: jpeg, REF: b"unused"})
    document = json.loads(raw)
    assert document["photos"] == {ref: base64.b64encode(jpeg).decode()}
    assert snapshot.read_all(raw) == (workshop, {ref: jpeg})
    assert "photos" not in json.loads(snapshot.dump(workshop, "2026-01-01T00:00:00Z"))
    for photos, words in (
        ({ref: base64.b64encode(b"other bytes").decode()}, "does not hold"),
        ({ref: "not base64!"}, "base64"),
        ({"../x": "AAAA"}, "reference"),
        (["list"], "must be an object"),
    ):
        document["photos"] = photos
        with pytest.raises(snapshot.InvalidSnapshot, match=words):
            snapshot.read_all(json.dumps(document).encode())
