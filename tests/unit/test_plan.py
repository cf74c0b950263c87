"""The annual animation plan: its rows, the draft from the board, undo, trash and votes."""

from __future__ import annotations

import msgspec
import pytest

from sessions import errors, keeping, plan
from sessions.model import Workshop, clone
from sessions.protocol import (
    MAX_PLAN_ROWS,
    AddNote,
    AddPlanRow,
    AddRoadmapItem,
    AddScenario,
    CastDot,
    DraftPlan,
    EditPlanRow,
    EditScenario,
    MovePlanRow,
    RemoveObjective,
    RemovePersona,
    RemovePlanRow,
    RestoreTrashed,
    SetRound,
    StartRound,
    Undo,
    client_decoder,
)
from sessions.rules import Actor, apply_all
from tests.unit.workshops import FACILITATOR, enter, fresh, run


def keep(workshop: Workshop, actor: Actor, command: object) -> list[object]:
    """Decide as the server does (rules, trash, history) and apply."""
    events = keeping.decide(workshop, actor, command)  # type: ignore[arg-type]
    apply_all(workshop, events)
    return list(events)


def refused(workshop: Workshop, actor: Actor, command: object, kind: type[Exception]) -> None:
    """The command is refused with ``kind`` and the workshop stays as it was."""
    before = clone(workshop)
    with pytest.raises(kind):
        keeping.decide(workshop, actor, command)  # type: ignore[arg-type]
    assert workshop == before


def ids(workshop: Workshop) -> list[str]:
    return [r.id for r in workshop.plan]


# -- the rows ------------------------------------------------------------------------------


def test_the_travel_demo_ships_a_small_plan_linked_to_its_objectives_and_scenarios():
    """A new demo workshop shows five rows at once, each for a target, most on the calendar."""
    w = fresh("travel")
    assert 4 <= len(w.plan) <= 6
    objectives = {o.id for o in w.objectives}
    assert all(r.objective in objectives for r in w.plan)
    assert all(r.persona or r.segment for r in w.plan)
    linked = {s for r in w.plan for s in r.sources if s.startswith("c")}
    assert len(linked) >= 2 and linked <= set(w.scenarios)
    assert sum(1 for r in w.plan if r.months) >= 3
    assert fresh("travel", "fr").plan[0].title != w.plan[0].title


def test_a_participant_adds_a_row_with_tidy_months_and_channels():
    """Months come out sorted and once each, channels once each in the order given."""
    w = fresh("travel")
    pat = enter(w)
    [saved] = run(
        w,
        pat,
        AddPlanRow(
            op_id="1",
            title="  Winter   sale ",
            persona=w.personas[0].id,
            channels=["social", "email", "social"],
            months=[12, 1, 12],
            objective=w.objectives[0].id,
        ),
    )
    row = w.plan[-1]
    assert saved == plan.PlanRowSaved(row=row)
    assert (row.title, row.channels, row.months) == ("Winter sale", ["social", "email"], [1, 12])
    assert row.id == f"y{w.counter}"


def test_a_row_added_at_an_index_goes_there():
    """``index`` places a new row; beyond the end, last."""
    w = fresh("travel")
    run(w, FACILITATOR, AddPlanRow(op_id="1", title="First", index=0))
    assert w.plan[0].title == "First"
    run(w, FACILITATOR, AddPlanRow(op_id="2", title="Last", index=999))
    assert w.plan[-1].title == "Last"


def test_adding_refuses_unknown_links_and_a_full_plan():
    """A persona or objective that does not exist, or a plan at its limit: refused, no change."""
    w = fresh("travel")
    refused(w, FACILITATOR, AddPlanRow(op_id="1", title="x", persona="a999"), errors.NotFound)
    refused(w, FACILITATOR, AddPlanRow(op_id="1", title="x", objective="o999"), errors.NotFound)
    refused(w, FACILITATOR, AddPlanRow(op_id="1", title="   "), errors.InvalidCommand)
    w.plan = [msgspec.structs.replace(w.plan[0], id=f"y{900 + i}") for i in range(MAX_PLAN_ROWS)]
    refused(w, FACILITATOR, AddPlanRow(op_id="1", title="One more"), errors.LimitReached)
    refused(w, FACILITATOR, DraftPlan(op_id="1"), errors.LimitReached)


def test_the_protocol_refuses_months_outside_the_year_and_unknown_channels():
    """Bounds live in the types: month 13, a made-up channel, a bad link id do not decode."""
    for bad in (
        {"months": [13]},
        {"months": [0]},
        {"channels": ["fax"]},
        {"persona": "not an id"},
    ):
        frame = {"type": "plan.add", "op_id": "1", "title": "x", **bad}
        with pytest.raises(msgspec.ValidationError):
            client_decoder.decode(msgspec.json.encode(frame))


def test_editing_changes_only_the_given_fields_and_a_same_value_is_a_no_op():
    """None leaves a field alone, "" empties it; an edit that changes nothing has no event."""
    w = fresh("travel")
    row = w.plan[0]
    run(w, FACILITATOR, EditPlanRow(op_id="1", row=row.id, months=[9, 3], persona=""))
    edited = w.plan[0]
    assert (edited.months, edited.persona, edited.title) == ([3, 9], "", row.title)
    assert run(w, FACILITATOR, EditPlanRow(op_id="2", row=row.id, months=[3, 9])) == []
    refused(w, FACILITATOR, EditPlanRow(op_id="3", row="y999", title="x"), errors.NotFound)
    refused(w, FACILITATOR, EditPlanRow(op_id="3", row=row.id, title=" "), errors.InvalidCommand)
    refused(w, FACILITATOR, EditPlanRow(op_id="3", row=row.id, objective="o1"), errors.NotFound)


def test_the_facilitator_moves_and_removes_rows_participants_cannot():
    """Reordering, removing and drafting are the facilitator's; a participant is refused."""
    w = fresh("travel")
    pat = enter(w)
    first, second = ids(w)[:2]
    for command in (
        MovePlanRow(op_id="1", row=first, index=3),
        RemovePlanRow(op_id="1", row=first),
        DraftPlan(op_id="1"),
    ):
        refused(w, pat, command, errors.Forbidden)
    run(w, FACILITATOR, MovePlanRow(op_id="1", row=first, index=3))
    assert ids(w).index(first) == 3 and ids(w)[0] == second
    assert run(w, FACILITATOR, MovePlanRow(op_id="2", row=first, index=3)) == []
    keep(w, FACILITATOR, RemovePlanRow(op_id="3", row=first))
    assert first not in ids(w) and w.trash[first].plan is not None
    refused(w, FACILITATOR, RemovePlanRow(op_id="4", row=first), errors.NotFound)


def test_a_removed_row_comes_back_from_the_trash_at_its_place():
    """Restore puts the row back where it stood, with its links."""
    w = fresh("travel")
    row = w.plan[2]
    keep(w, FACILITATOR, RemovePlanRow(op_id="1", row=row.id))
    keep(w, FACILITATOR, RestoreTrashed(op_id="2", item=row.id))
    assert w.plan[2] == row and row.id not in w.trash


def test_undo_takes_back_an_edit_and_a_removal():
    """Each person's undo reverts their own row edit; the facilitator's brings back a row."""
    w = fresh("travel")
    pat = enter(w)
    row = w.plan[0]
    keep(w, pat, EditPlanRow(op_id="1", row=row.id, content="New words", channels=["app"]))
    keep(w, pat, Undo(op_id="2"))
    assert w.plan[0] == row
    keep(w, FACILITATOR, RemovePlanRow(op_id="3", row=row.id))
    keep(w, FACILITATOR, Undo(op_id="4"))
    assert w.plan[0] == row


def test_rows_stop_naming_a_removed_persona_or_objective_and_get_it_back_on_restore():
    """Removing a persona or an objective empties the rows' link; restoring it links them again."""
    w = fresh("travel")
    persona, objective = w.plan[0].persona, w.plan[0].objective
    keep(w, FACILITATOR, RemovePersona(op_id="1", persona=persona, with_notes=True))
    keep(w, FACILITATOR, RemoveObjective(op_id="2", objective=objective))
    assert (w.plan[0].persona, w.plan[0].objective) == ("", "")
    keep(w, FACILITATOR, RestoreTrashed(op_id="3", item=persona))
    keep(w, FACILITATOR, RestoreTrashed(op_id="4", item=objective))
    assert (w.plan[0].persona, w.plan[0].objective) == (persona, objective)


# -- the draft -----------------------------------------------------------------------------


def _board() -> Workshop:
    """The travel demo without its plan: three scenarios (each serving a key moment), two
    calendar moments no scenario serves yet, and eight solution notes on the board."""
    w = fresh("travel")
    w.plan = []
    return w


def test_the_draft_proposes_a_row_per_scenario_then_per_key_moment_then_per_solution_note():
    """Scenarios first (their checklist fills the row, and they cover the key moment they
    serve), then the key moments no scenario serves, then every solution note, journey order."""
    w = _board()
    rows = plan.draft(w)
    scenarios = [r for r in rows if r.sources[0] in w.scenarios]
    moments = [r for r in rows if r.sources[0] in w.moments]
    notes = [r for r in rows if r.sources[0] in w.notes]
    assert (len(scenarios), len(moments), len(notes)) == (3, 2, 8)
    assert rows == scenarios + moments + notes
    served = {c.key_moment for c in w.scenarios.values()}
    assert all(r.sources[1] in served for r in scenarios)
    assert not {r.sources[0] for r in moments} & served
    prep = next(r for r in scenarios if r.title == "Trip preparation")
    assert prep.channels == ["email", "phone"], "email then SMS"
    assert prep.trigger.startswith("6 weeks") and prep.frequency == "Once per booking"
    assert prep.content.startswith("1: documents")
    reassure = next(o for o in w.objectives if o.title == "Reassure before departure")
    assert prep.objective == reassure.id and prep.kpis == reassure.kpis
    first = notes[0]
    assert first.persona == w.personas[0].id and first.trigger == w.stages[0].title
    assert first.channels == ["chatbot"]
    assert [r.persona for r in notes] == sorted(
        (r.persona for r in notes), key=[p.id for p in w.personas].index
    )
    assert ids_are_new(w, rows)


def ids_are_new(workshop: Workshop, rows: list[plan.PlanRow]) -> bool:
    return [r.id for r in rows] == [f"y{workshop.counter + i}" for i in range(1, len(rows) + 1)]


def test_drafting_twice_adds_nothing_new():
    """The second draft finds every contact moment answered: no event at all."""
    w = _board()
    first = run(w, FACILITATOR, DraftPlan(op_id="1"))
    assert len(first) == 13
    assert run(w, FACILITATOR, DraftPlan(op_id="2")) == []


def test_a_new_contact_moment_is_the_only_row_a_later_draft_adds():
    """After the room worked, a draft adds the new scenario's row and keeps the room's edits."""
    w = _board()
    run(w, FACILITATOR, DraftPlan(op_id="1"))
    run(w, FACILITATOR, EditPlanRow(op_id="2", row=w.plan[0].id, title="Edited by the room"))
    [made] = run(w, FACILITATOR, AddScenario(op_id="3", title="Abandoned quote"))
    scenario = made.scenario  # type: ignore[attr-defined]
    run(
        w,
        FACILITATOR,
        EditScenario(op_id="4", scenario=scenario.id, field="channels", value="Phone call"),
    )
    [added] = run(w, FACILITATOR, DraftPlan(op_id="5"))
    assert added.row.sources == [scenario.id]  # type: ignore[attr-defined]
    assert added.row.channels == ["phone"]  # type: ignore[attr-defined]
    assert w.plan[0].title == "Edited by the room"


def test_a_roadmap_item_answers_its_notes_and_a_removed_row_is_not_proposed_again():
    """One row for an item that gathers notes (not one per note); a row the room removed stays
    out of the next drafts while it sits in the trash."""
    w = _board()
    solutions = [n for n in w.notes.values() if w.lanes[3].id == n.lane]
    gathered = [solutions[0].id, solutions[1].id]
    [item] = run(w, FACILITATOR, AddRoadmapItem(op_id="1", notes=gathered))
    rows = plan.draft(w)
    from_item = [r for r in rows if r.sources[0] == item.item.id]  # type: ignore[attr-defined]
    assert len(from_item) == 1 and from_item[0].sources[1:] == gathered
    assert not any(r.sources[0] in gathered for r in rows)
    run(w, FACILITATOR, DraftPlan(op_id="2"))
    keep(w, FACILITATOR, RemovePlanRow(op_id="3", row=w.plan[0].id))
    assert plan.draft(w) == []


def test_private_notes_wait_for_their_reveal_and_empty_notes_are_left_out():
    """A note written in private, or one without words, is no contact moment yet."""
    w = _board()
    pat = enter(w)
    w.private = True
    cell = {"persona": w.personas[0].id, "stage": w.stages[0].id, "lane": w.lanes[3].id}
    run(w, pat, AddNote(op_id="1", **cell, text="Secret idea"))
    run(w, FACILITATOR, AddNote(op_id="2", **cell, text="  "))
    assert len(plan.draft(w)) == 13


def test_an_undo_of_the_draft_takes_its_rows_away():
    """The draft is one step of the facilitator's history."""
    w = _board()
    keep(w, FACILITATOR, DraftPlan(op_id="1"))
    assert len(w.plan) == 13
    keep(w, FACILITATOR, Undo(op_id="2"))
    assert w.plan == []


def test_the_draft_fills_the_plan_up_to_its_limit():
    """Near the limit, the draft adds what fits."""
    w = _board()
    filler = plan.PlanRow(id="y1", title="x")
    w.plan = [msgspec.structs.replace(filler, id=f"y{900 + i}") for i in range(MAX_PLAN_ROWS - 3)]
    assert len(plan.draft(w)) == 3


@pytest.mark.parametrize(
    ("text", "channels"),
    [
        ("Email, then SMS", ["email", "phone"]),
        ("EMAIL puis SMS", ["email", "phone"]),
        ("Call center + Prints", ["crc"]),
        ("Réseaux sociaux et e-mail", ["social", "email"]),
        ("Push in the mobile app, chatbot", ["app", "chatbot"]),
        ("Accueil en agence", ["onsite"]),
        ("", []),
    ],
)
def test_channels_are_read_from_a_scenarios_words(text: str, channels: list[str]):
    """The draft reads the channels a scenario names, in the order named."""
    assert plan.channels_in(text) == channels


# -- votes ----------------------------------------------------------------------------------


def test_plan_rows_can_be_put_to_the_vote_and_receive_their_dots():
    """A round on plan rows: dots cast, the reveal writes each row's dots back; a row in the
    vote under way cannot be removed."""
    w = fresh("travel")
    pat = enter(w)
    rows = ids(w)[:3]
    [started] = run(w, FACILITATOR, StartRound(op_id="1", items=rows, budget=2))
    vote = started.round.id  # type: ignore[attr-defined]
    run(w, pat, CastDot(op_id="2", round=vote, item=rows[1]))
    refused(w, FACILITATOR, RemovePlanRow(op_id="3", row=rows[1]), errors.Conflict)
    run(w, FACILITATOR, SetRound(op_id="4", round=vote, action="reveal"))
    assert [r.votes for r in w.plan[:3]] == [0, 1, 0]
    refused(w, FACILITATOR, StartRound(op_id="5", items=["y999"]), errors.NotFound)
