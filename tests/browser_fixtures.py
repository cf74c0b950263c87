"""Fixtures for the browser's ``apply`` (tests/js/state.test.js), made by the Python domain.

A seeded random walk sends every kind of command through ``rules.decide`` (refusals skipped),
so every kind of event occurs, in random orders. For each walk and each viewer (the facilitator,
a participant) a case holds what that person's browser receives, encoded as the server encodes
it: the redacted snapshot it starts from and the redacted entries, and the workshop Python's
``apply`` makes of them. The browser must make the same of the same bytes.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

import msgspec

from sessions import errors, views
from sessions import protocol as contract
from sessions.keeping import decide
from sessions.model import (
    CHANNELS,
    CRITERIA,
    PERSONA_FIELDS,
    PHASES,
    ROADMAP_CLASSES,
    SCENARIO_FIELDS,
    Workshop,
    clone,
)
from sessions.protocol import (
    AddLane,
    AddNote,
    AddObjective,
    AddPersona,
    AddProxy,
    AddRoadmapItem,
    AddScenario,
    AddStage,
    AdjustRoadmapItem,
    CastDot,
    ClassifyRoadmapItem,
    Command,
    DeleteNote,
    EditNote,
    EditObjective,
    EditPersona,
    EditRoadmapItem,
    EditScenario,
    Entry,
    FixEmotion,
    MoveLane,
    MoveNote,
    MovePersona,
    MoveStage,
    PlaceRoadmapItem,
    RateStage,
    RemoveLane,
    RemoveObjective,
    RemovePersona,
    RemoveRoadmapItem,
    RemoveScenario,
    RemoveStage,
    RenameLane,
    RenameSelf,
    RenameStage,
    RenameWorkshop,
    RevealNotes,
    ScoreRoadmapItem,
    SetFollow,
    SetLock,
    SetPhase,
    SetPrivate,
    SetRound,
    SetRules,
    SetTimer,
    StartRound,
    TagNote,
    TakeDot,
    TargetNote,
)
from sessions.rules import Actor, Join, apply_all
from sessions.templates import build

NOW = 1_000_000.0
SYSTEM = Actor("system", "facilitator")
FACILITATOR = Actor("p1", "facilitator")

_encoder = msgspec.json.Encoder()
_entry = msgspec.json.Decoder(Entry)


def _pick(rng: random.Random, values: list[str]) -> str | None:
    return rng.choice(values) if values else None


class Walk:
    """One workshop, changed by random commands from random people."""

    def __init__(self, seed: int, template: str) -> None:
        self.rng = random.Random(seed)
        self.workshop = build(template, "en", "abcdef", "Walk", "Fay")
        self.people = [FACILITATOR]
        self.entries: list[bytes] = []
        for name in ("Pat", "Bob"):
            self.people.append(self._join(name))
        self.start = clone(self.workshop)
        self.seq = 0
        self._views: list[dict[str, bytes]] = []

    def _join(self, name: str) -> Actor:
        events = decide(self.workshop, SYSTEM, Join(op_id="join", name=name), NOW)
        apply_all(self.workshop, events)
        participant = events[0].participant  # type: ignore[union-attr]
        return Actor(participant.id, participant.role)

    # -- what the walk can ask for ------------------------------------------------------

    def ids(self) -> dict[str, list[str]]:
        w = self.workshop
        return {
            "personas": [p.id for p in w.personas],
            "stages": [s.id for s in w.stages],
            "lanes": [lane.id for lane in w.lanes],
            "custom": [lane.id for lane in w.lanes if lane.kind == "custom"],
            "notes": sorted(w.notes),
            "objectives": [o.id for o in w.objectives],
            "rounds": [r.id for r in w.rounds],
            "roadmap": sorted(w.roadmap),
            "scenarios": sorted(w.scenarios),
            "proxies": [p.id for p in w.participants.values() if p.proxy],
        }

    def command(self) -> Command | None:
        rng, ids = self.rng, self.ids()
        text = f"t{rng.randrange(1000)}"
        index = rng.randrange(6)
        persona, stage = _pick(rng, ids["personas"]), _pick(rng, ids["stages"])
        lane, note = _pick(rng, ids["lanes"]), _pick(rng, ids["notes"])
        item, scenario = _pick(rng, ids["roadmap"]), _pick(rng, ids["scenarios"])
        objective, vote = _pick(rng, ids["objectives"]), _pick(rng, ids["rounds"])
        live = [r for r in self.workshop.rounds if r.status in ("open", "paused")]
        # Votes need a run of commands in a row (objectives, a round, dots): weighed up below.
        votes: list[Callable[[], Command | None]] = [
            lambda: AddObjective(op_id="o", title=text, description=text, kpis=text),
            lambda: (
                EditObjective(op_id="o", objective=objective, title=text) if objective else None
            ),
            lambda: RemoveObjective(op_id="o", objective=objective) if objective else None,
            lambda: StartRound(
                op_id="o",
                items=rng.sample(ids["notes"], min(3, len(ids["notes"])))
                if rng.random() < 0.4
                else [],
                budget=rng.randint(1, 4),
                per_item=rng.randint(1, 2),
                anonymous=rng.random() < 0.4,
                hidden=rng.random() < 0.6,
                facilitator_votes=rng.random() < 0.5,
                seconds=rng.choice([None, 60]),
            ),
            lambda: (
                SetRound(
                    op_id="o",
                    round=vote,
                    action=rng.choice(["pause", "resume", "close", "reveal", "restart"]),  # type: ignore[arg-type]
                )
                if vote
                else None
            ),
            *[
                (
                    lambda kind=kind: (
                        kind(
                            op_id="o",
                            round=live[0].id,
                            item=rng.choice(live[0].items),
                            proxy=_pick(rng, ids["proxies"]) if rng.random() < 0.3 else None,
                        )
                        if live and live[0].items
                        else None
                    )
                )
                for kind in (CastDot,) * 8 + (TakeDot,) * 3
            ],
        ]
        makers: list[Callable[[], Command | None]] = [
            lambda: (
                AddNote(
                    op_id="o",
                    persona=persona,
                    stage=stage,
                    lane=lane,
                    text=text,
                    channel=rng.choice(CHANNELS),  # type: ignore[arg-type]
                    index=rng.choice([None, index]),
                )
                if persona and stage and lane
                else None
            ),
            lambda: (
                AddNote(op_id="o", persona=persona, stage=stage, lane=lane, text=text)
                if persona and stage and lane
                else None
            ),
            lambda: (
                EditNote(op_id="o", note=note, text=rng.choice([None, text]), channel="email")
                if note
                else None
            ),
            lambda: (
                MoveNote(op_id="o", note=note, stage=stage, lane=lane, index=index)
                if note and stage and lane
                else None
            ),
            lambda: DeleteNote(op_id="o", note=note) if note else None,
            lambda: (
                TagNote(op_id="o", note=note, tags=rng.sample(["customer", "internal"], 1))
                if note
                else None
            ),
            lambda: TargetNote(op_id="o", note=note, target=rng.random() < 0.7) if note else None,
            lambda: AddStage(op_id="o", title=text, index=rng.choice([None, index])),
            lambda: RenameStage(op_id="o", stage=stage, title=text) if stage else None,
            lambda: MoveStage(op_id="o", stage=stage, index=index) if stage else None,
            lambda: RemoveStage(op_id="o", stage=stage, with_notes=True) if stage else None,
            lambda: RenameWorkshop(op_id="o", title=text),
            lambda: RenameSelf(op_id="o", name=text),
            lambda: AddProxy(op_id="o", name=text),
            lambda: AddPersona(op_id="o", name=text, emoji="🙂"),
            lambda: (
                EditPersona(
                    op_id="o",
                    persona=persona,
                    field=rng.choice(["name", *PERSONA_FIELDS]),  # type: ignore[arg-type]
                    value=text,
                )
                if persona
                else None
            ),
            lambda: MovePersona(op_id="o", persona=persona, index=index) if persona else None,
            lambda: (
                RemovePersona(op_id="o", persona=persona, with_notes=True)
                if persona and rng.random() < 0.3
                else None
            ),
            lambda: (
                RateStage(op_id="o", persona=persona, stage=stage, value=rng.randint(-2, 2))
                if persona and stage
                else None
            ),
            lambda: (
                RateStage(op_id="o", persona=persona, stage=stage, value=1, target=True)
                if persona and stage
                else None
            ),
            lambda: (
                RateStage(op_id="o", persona=persona, stage=stage, value=None)
                if persona and stage
                else None
            ),
            lambda: (
                FixEmotion(op_id="o", persona=persona, stage=stage, value=rng.choice([None, 1, -2]))
                if persona and stage
                else None
            ),
            lambda: (
                FixEmotion(op_id="o", persona=persona, stage=stage, value=2, target=True)
                if persona and stage
                else None
            ),
            lambda: AddLane(op_id="o", title=text, index=rng.choice([None, index])),
            lambda: (
                RenameLane(op_id="o", lane=rng.choice(ids["custom"]), title=text)
                if ids["custom"]
                else None
            ),
            lambda: MoveLane(op_id="o", lane=lane, index=index) if lane else None,
            lambda: (
                RemoveLane(op_id="o", lane=rng.choice(ids["custom"]), with_notes=True)
                if ids["custom"]
                else None
            ),
            lambda: SetPhase(op_id="o", phase=rng.choice(PHASES)),  # type: ignore[arg-type]
            lambda: SetTimer(op_id="o", seconds=rng.choice([None, 60, 300])),
            lambda: SetLock(op_id="o", locked=rng.random() < 0.3),
            lambda: SetPrivate(op_id="o", private=rng.random() < 0.5),
            lambda: RevealNotes(op_id="o"),
            lambda: SetFollow(op_id="o", persona=rng.choice([None, persona])),
            lambda: AddRoadmapItem(
                op_id="o",
                title=rng.choice(["", text]),
                notes=rng.sample(ids["notes"], min(2, len(ids["notes"]))),
            ),
            lambda: AddRoadmapItem(op_id="o", title=text, description=text),
            lambda: EditRoadmapItem(op_id="o", item=item, title=text, owner=text) if item else None,
            lambda: (
                ScoreRoadmapItem(
                    op_id="o",
                    item=item,
                    criterion=rng.choice(CRITERIA),  # type: ignore[arg-type]
                    value=rng.choice([None, 1, 3, 5]),
                )
                if item
                else None
            ),
            lambda: (
                ClassifyRoadmapItem(
                    op_id="o",
                    item=item,
                    klass=rng.choice([None, *ROADMAP_CLASSES]),  # type: ignore[arg-type]
                )
                if item
                else None
            ),
            lambda: (
                PlaceRoadmapItem(op_id="o", item=item, quarter=rng.choice([None, 0, 7]))
                if item
                else None
            ),
            lambda: (
                AdjustRoadmapItem(
                    op_id="o",
                    item=item,
                    impact=rng.choice([None, 2.5]),
                    effort=rng.choice([None, 4]),
                )
                if item
                else None
            ),
            lambda: RemoveRoadmapItem(op_id="o", item=item) if item else None,
            lambda: SetRules(op_id="o", strong=3.5, light=2.0, expected=rng.choice([4.0, 4.5])),
            lambda: AddScenario(
                op_id="o",
                title=text,
                moment=rng.choice(["commercial", "brand", "customer"]),  # type: ignore[arg-type]
                persona=rng.choice([None, persona]),
                stage=rng.choice([None, stage]),
            ),
            lambda: (
                EditScenario(
                    op_id="o",
                    scenario=scenario,
                    field=rng.choice(SCENARIO_FIELDS),  # type: ignore[arg-type]
                    value=text,
                )
                if scenario
                else None
            ),
            lambda: RemoveScenario(op_id="o", scenario=scenario) if scenario else None,
        ]
        keeping = [
            lambda: contract.Undo(op_id="o"),
            lambda: contract.Redo(op_id="o"),
            lambda: (
                contract.RestoreTrashed(op_id="o", item=rng.choice(list(self.workshop.trash)))
                if self.workshop.trash
                else None
            ),
        ]
        everything = (
            makers + votes * 3 + self.agenda_makers() * 2 + self.group_makers()
            + self.moment_makers() + self.plan_makers()
        )  # fmt: skip
        return rng.choice(everything + keeping * 2)()

    def agenda_makers(self) -> list[Callable[[], Command | None]]:
        """The agenda's commands, where the protocol has them (they came with issue 18)."""
        set_agenda = getattr(contract, "SetAgenda", None)
        go_to = getattr(contract, "GoToStep", None)
        mark_done = getattr(contract, "MarkDone", None)
        draft = getattr(contract, "StepDraft", None)
        if set_agenda is None or go_to is None or mark_done is None or draft is None:
            return []
        rng = self.rng
        steps = list(getattr(self.workshop, "agenda", []))
        ids = [step.id for step in steps]

        def redrafted() -> Command:
            kept = rng.sample(steps, max(0, len(steps) - rng.randrange(2)))
            drafts = [
                draft(id=s.id, kind=s.kind, title=rng.choice(["", s.title, "Step"]),
                      minutes=rng.choice([None, s.minutes, 5]), skipped=rng.random() < 0.2)
                for s in kept
            ]  # fmt: skip
            if rng.random() < 0.4:
                drafts.insert(rng.randrange(len(drafts) + 1), draft(kind="vote", title="Extra"))
            return set_agenda(op_id="o", steps=drafts)  # type: ignore[no-any-return]

        return [
            lambda: set_agenda(op_id="o", steps=None),
            redrafted,
            lambda: go_to(op_id="o", step=rng.choice([None, *ids])),
            lambda: go_to(op_id="o", step=rng.choice(ids)) if ids else None,
            lambda: mark_done(op_id="o", done=rng.random() < 0.7),
        ]

    def moment_makers(self) -> list[Callable[[], Command | None]]:
        """Key moments and the scenarios' links, campaigns and scores (issue 11)."""
        rng, ids = self.rng, self.ids()
        moments = sorted(self.workshop.moments)
        scenario, moment = _pick(rng, ids["scenarios"]), _pick(rng, moments)
        note, stage = _pick(rng, ids["notes"]), _pick(rng, ids["stages"])
        campaigns = [c.id for c in self.workshop.scenarios[scenario].campaigns] if scenario else []
        objectives = [None, "lead", "conversion", "satisfaction", "loyalty"]
        return [
            lambda: contract.AddMoment(op_id="o", title="Moment", note=rng.choice([None, note]),
                                       persona=_pick(rng, ids["personas"]), stage=stage,
                                       kind=rng.choice(["customer", "brand"])),
            lambda: contract.EditMoment(op_id="o", moment=moment, title="Again",
                                        objective=rng.choice(["", "welcome"])) if moment else None,
            lambda: contract.RemoveMoment(op_id="o", moment=moment) if moment else None,
            lambda: contract.SetStageObjective(op_id="o", stage=stage,
                                               objective=rng.choice(objectives)) if stage else None,
            lambda: contract.EditScenario(op_id="o", scenario=scenario, field="key_moment",
                                          value=moment or "") if scenario else None,
            lambda: contract.AnswerScenario(op_id="o", scenario=scenario, note=note,
                                            on=rng.random() < 0.8) if scenario and note else None,
            lambda: contract.SetCampaign(op_id="o", scenario=scenario,
                                         campaign=rng.choice([None, *campaigns]), channel="email",
                                         timing="D-1", content="Hello") if scenario else None,
            lambda: contract.RemoveCampaign(op_id="o", scenario=scenario,
                                            campaign=rng.choice(campaigns)) if campaigns else None,
            lambda: contract.ScoreScenario(op_id="o", scenario=scenario, criterion="roi",
                                           value=rng.choice([None, 2, 5])) if scenario else None,
        ]  # fmt: skip

    def group_makers(self) -> list[Callable[[], Command | None]]:
        """The groups' commands (issue 17): splits, edits, moves, picking, help, group work,
        walls, the tour."""
        rng = self.rng
        groups = [g.id for g in self.workshop.groups]
        people = [p.id for p in self.people if p.role != "facilitator"]
        personas = [p.id for p in self.workshop.personas]
        return [
            lambda: contract.SplitGroups(op_id="o", count=rng.randrange(1, 4)),
            lambda: contract.SplitGroups(op_id="o", size=rng.randrange(1, 4)),
            lambda: contract.EditGroup(op_id="o", group=rng.choice(groups), name="Team",
                                       persona=rng.choice(["", *personas])) if groups else None,
            lambda: contract.MoveToGroup(op_id="o", participant=rng.choice(people),
                                         group=rng.choice([None, *groups])) if people else None,
            lambda: contract.SetGroupWork(op_id="o", grouped=rng.random() < 0.3,
                                          pick=rng.random() < 0.5, walls=rng.random() < 0.5),
            lambda: contract.PresentGroup(op_id="o", group=rng.choice([None, *groups])),
            lambda: contract.JoinGroup(op_id="o", group=rng.choice(groups)) if groups else None,
            lambda: contract.AskHelp(op_id="o", help=rng.random() < 0.6),
            lambda: contract.ClearGroups(op_id="o") if rng.random() < 0.2 else None,
        ]  # fmt: skip

    def plan_makers(self) -> list[Callable[[], Command | None]]:
        """The animation plan's commands (issue 11): draft, add, edit, move, remove, vote."""
        rng = self.rng
        rows = [r.id for r in getattr(self.workshop, "plan", [])]
        personas = [p.id for p in self.workshop.personas]
        objectives = [o.id for o in self.workshop.objectives]
        row = rng.choice(rows) if rows else None
        return [
            lambda: contract.DraftPlan(op_id="o"),
            lambda: contract.AddPlanRow(op_id="o", title="Act", persona=rng.choice(["", *personas]),
                                        channels=["email"], months=[rng.randint(1, 12)]),
            lambda: contract.EditPlanRow(op_id="o", row=row, months=rng.sample(range(1, 13), 2),
                                         objective=rng.choice(["", *objectives]),
                                         content="Tips") if row else None,
            lambda: contract.MovePlanRow(op_id="o", row=row,
                                         index=rng.randrange(4)) if row else None,
            lambda: contract.RemovePlanRow(op_id="o", row=row) if row else None,
            lambda: contract.StartRound(op_id="o", items=rows[:3]) if rows else None,
        ]  # fmt: skip

    def step(self) -> None:
        actor = self.rng.choice(self.people)
        if self.rng.random() < 0.02:
            self.people.append(self._join(f"Late {len(self.people)}"))  # a join is an entry too
            return
        command = self.command()
        if command is None:
            return
        self.play(actor, command)

    def play(self, actor: Actor, command: Command) -> None:
        """Decide and log one command as the room would (refusals and no-ops leave no entry)."""
        command = msgspec.structs.replace(command, op_id=f"op-{len(self.entries) + 1}")
        try:
            events = decide(self.workshop, actor, command, NOW)
        except errors.DomainError:
            return
        if not events:
            return
        entry = Entry(seq=len(self.entries) + 1, op_id=command.op_id, actor=actor.id, events=events)
        self.entries.append(_encoder.encode(entry))  # the op log's bytes, before apply
        apply_all(self.workshop, events)
        self._views.append(self.workshop_views())

    def workshop_views(self) -> dict[str, bytes]:
        """Each viewer's redacted copy of the newest entry (as the room fans it out)."""
        entry = _entry.decode(self.entries[-1])
        return {
            actor.id: _encoder.encode(views.redact(entry, self.workshop, actor.id))
            for actor in self.people[:2]
        }

    def run(self, steps: int) -> list[dict[str, Any]]:
        """Walk ``steps`` times; a case per viewer (the facilitator, then Pat)."""
        for _ in range(steps):
            self.step()
        cases = []
        for actor in self.people[:2]:
            facilitator = actor.role == "facilitator"
            start = views.redact_workshop(self.start, actor.id, facilitator)
            received = [views_[actor.id] for views_ in self._views]
            replica: Workshop = clone(start)
            for raw in received:
                apply_all(replica, _entry.decode(raw).events)
            cases.append(
                {
                    "name": f"{self.workshop.template} walk as {actor.id}",
                    "start": msgspec.json.decode(_encoder.encode(start)),
                    "entries": [msgspec.json.decode(raw) for raw in received],
                    "expected": msgspec.json.decode(_encoder.encode(replica)),
                }
            )
        return cases


@functools.cache
def cases(walks: int = 12, steps: int = 320) -> list[dict[str, Any]]:
    """Every case: ``walks`` seeded walks over the templates, two viewers each."""
    found: list[dict[str, Any]] = []
    templates = ("blank", "travel", "aarrr", "loop")
    for seed in range(walks):
        found += Walk(seed, templates[seed % len(templates)]).run(steps)
    return found + _private_writing() + _groups_tour_and_vote()


def _private_writing() -> list[dict[str, Any]]:
    """A scripted scene, so the reveal of private notes is always among the cases: private
    writing on, Pat writes a note the others do not see, the facilitator reveals it (then
    moves a plan row, the rarest of the random walks' events)."""
    walk = Walk(0, "travel")
    pat = walk.people[1]
    first = walk.workshop.personas[0].id
    stage, lane = walk.workshop.stages[0].id, walk.workshop.lanes[0].id
    walk.play(FACILITATOR, SetPrivate(op_id="o", private=True))
    walk.play(pat, AddNote(op_id="o", persona=first, stage=stage, lane=lane, text="Secret"))
    walk.play(FACILITATOR, RevealNotes(op_id="o"))
    rows = [r.id for r in walk.workshop.plan]  # and the demo's plan is reordered, once
    walk.play(FACILITATOR, contract.MovePlanRow(op_id="o", row=rows[0], index=len(rows)))
    return walk.run(40)


def _groups_tour_and_vote() -> list[dict[str, Any]]:
    """A scripted scene, so the tour and a vote counted per group are always among the cases:
    the room splits in two, behind walls, the facilitator presents a group, then a round per
    group is voted and revealed."""
    walk = Walk(1, "travel")
    pat = walk.people[1]
    walk.play(FACILITATOR, contract.SplitGroups(op_id="o", count=2))
    walk.play(FACILITATOR, contract.SetGroupWork(op_id="o", grouped=True, walls=True))
    walk.play(FACILITATOR, contract.PresentGroup(op_id="o", group=walk.workshop.groups[0].id))
    walk.play(FACILITATOR, contract.StartRound(op_id="o", by_group=True))
    vote = walk.workshop.rounds[-1]
    walk.play(pat, contract.CastDot(op_id="o", round=vote.id, item=vote.items[0]))
    walk.play(FACILITATOR, contract.SetRound(op_id="o", round=vote.id, action="reveal"))
    assert walk.workshop.rounds[-1].groups is not None, "the scene must reveal a vote per group"
    return walk.run(40)


def event_types(found: list[dict[str, Any]]) -> set[str]:
    return {e["type"] for case in found for entry in case["entries"] for e in entry["events"]}
