"""Workshops to export: the travel demo filled in every section, and a random generator.

Imported by the other export tests; the tests here only check the generators themselves.
"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions import snapshot, summary
from sessions.model import (
    CHANNELS,
    CRITERIA,
    PERSONA_FIELDS,
    SCENARIO_FIELDS,
    SOLUTION_TAGS,
    Emotion,
    Lane,
    Note,
    Objective,
    Participant,
    Persona,
    PlanRow,
    RoadmapItem,
    Scenario,
    Stage,
    VoteRound,
    Workshop,
)
from sessions.templates import build


def _new(workshop: Workshop, prefix: str) -> str:
    workshop.counter += 1
    return f"{prefix}{workshop.counter}"


def filled(lang: str = "en", workshop_id: str = "demo01") -> Workshop:
    """The travel demo with people, emotions, votes, a roadmap and a scenario."""
    fr = lang == "fr"
    w = build("travel", "fr" if fr else "en", workshop_id, "Voyages sportifs 2027", "Claire")
    people = [_new(w, "p") for _ in range(4)]
    for pid, name in zip(people, ["Bob", "Chloé Martin", "=HYPERLINK(1)", "Dev"], strict=True):
        w.participants[pid] = Participant(id=pid, name=name)
    lea, martins = w.personas
    lea.tagline = "25 ans, analyste, plongeuse" if fr else "25, data analyst, dive master"
    lea.profile = "Paris, single, hikes and dives every holiday."
    lea.motivations = "Images nobody else has; a physical challenge."
    lea.frictions = "Groups below her level; vague trip descriptions."
    lea.verbatims = (
        "« Je veux savoir avec qui je plonge. » — Léa, 25 ans\nBob said: too many emails"
    )
    lea.insight = "She books when she trusts the level of the group."
    lea.promise = "The right trip for your level, with the right group."
    martins.tagline = "A family of four from Lille"
    martins.expectations = "Safety, reassurance, a turnkey package."
    for persona, curve in ((lea, [1, -1, -2, 2, 1]), (martins, [0, -2, -1, 1, 2])):
        for stage, base in zip(w.stages, curve, strict=True):
            ratings = {pid: max(-2, min(2, base + (i % 3) - 1)) for i, pid in enumerate(people)}
            w.emotions[f"{persona.id}:{stage.id}"] = Emotion(
                persona=persona.id, stage=stage.id, ratings=ratings
            )
    w.emotions[f"{lea.id}:{w.stages[2].id}"].fixed = -2
    del w.emotions[f"{martins.id}:{w.stages[4].id}"]
    solutions = [n for n in w.notes.values() if n.lane == w.lanes[3].id]
    solutions[0].tags = ("customer", "external")
    hidden = Note(
        id=_new(w, "n"),
        persona=lea.id,
        stage=w.stages[4].id,
        lane=w.lanes[1].id,
        text="-2 stars: hidden extra costs on site",
        channel="crc",
        pos=9.0,
        author=people[1],
        hidden=True,
    )
    w.notes[hidden.id] = hidden
    objectives = [
        Objective(id=_new(w, "o"), title=title, kpis=kpis)
        for title, kpis in (
            ("Help people choose the right trip", "Conversion rate; time to book"),
            ("Reassure before departure", "NPS before departure"),
            ("Turn travellers into ambassadors", "Reviews per trip; referrals"),
        )
    ]
    previous = [o.id for o in w.objectives]
    w.objectives = objectives
    for row in w.plan:  # the demo's plan serves the same three objectives, renamed
        row.objective = objectives[previous.index(row.objective)].id if row.objective else ""
    dots = {
        people[0]: {objectives[0].id: 2, objectives[1].id: 1},
        people[1]: {objectives[0].id: 2, objectives[2].id: 1},
        people[2]: {objectives[1].id: 2, objectives[2].id: 1},
    }
    revealed = VoteRound(
        id=_new(w, "r"),
        title="Objectives",
        items=[o.id for o in objectives],
        status="revealed",
        dots=dots,
    )
    revealed.result = summary.ranked(revealed)
    open_round = VoteRound(
        id=_new(w, "r"),
        title="Solutions",
        items=[n.id for n in solutions[:3]],
        dots={people[3]: {solutions[0].id: 1}},
    )
    w.rounds = [revealed, open_round]
    plans = [
        ("AI trip advisor", {"impact": 5, "cost": 2, "delay": 2, "complexity": 3}, 1, None),
        ("Guaranteed-departure badge", {"impact": 4, "customer": 5, "cost": 1}, 0, None),
        (
            "Travel wallet in the app",
            {"impact": 5, "cost": 4, "delay": 4, "complexity": 5},
            4,
            None,
        ),
        ("Participants' meeting platform", {"impact": 2, "cost": 3, "delay": 3}, None, None),
        ("VR preview of dive sites", {}, 6, "waow"),
        ("Share-your-trip invitation", {"impact": 3}, None, None),
    ]
    for (title, scores, quarter, override), note in zip(plans, [*solutions, None], strict=False):
        item = RoadmapItem(
            id=_new(w, "i"),
            title=title,
            notes=[note.id] if note else [],
            persona=note.persona if note else "",
            stage=note.stage if note else "",
            channel=note.channel if note else "",
            owner="Digital" if quarter else "Customer service",
            scores={
                c: {p: max(1, min(5, s + (i % 2))) for i, p in enumerate(people)}
                for c, s in scores.items()
            },
            override=override,
            quarter=quarter,
        )
        w.roadmap[item.id] = item
    irritants = [n for n in w.notes.values() if n.lane == w.lanes[1].id and not n.hidden]
    for item in w.roadmap.values():
        item.answers = [
            n.id for n in irritants if n.persona == item.persona and n.stage == item.stage
        ]
    scenario = Scenario(
        id=_new(w, "c"),
        title="Trip preparation",
        persona=martins.id,
        stage=w.stages[2].id,
        fields={
            "trigger": "6 weeks before departure",
            "channels": "email, then SMS",
            "channel_priority": "SMS only to those who did not open the email",
            "messages": "3",
            "delays": "6 weeks, 1 week, the day before",
            "cta": "+ Open my checklist",
        },
    )
    w.scenarios[scenario.id] = scenario
    return w


# -- random workshops -------------------------------------------------------------------

_any_char = st.characters(exclude_categories=("Cs",))
_text = st.text(_any_char, max_size=40)
_name = st.text(_any_char, min_size=1, max_size=20).filter(lambda s: s.strip())


@st.composite
def workshops(draw: st.DrawFn) -> Workshop:
    """A valid workshop with random content in every section."""
    counter = 0

    def new(prefix: str) -> str:
        nonlocal counter
        counter += 1
        return f"{prefix}{counter}"

    people = [
        Participant(id=new("p"), name=draw(_name), role="facilitator" if i == 0 else "participant")
        for i in range(draw(st.integers(1, 5)))
    ]
    stages = [Stage(id=new("s"), title=draw(_name)) for _ in range(draw(st.integers(1, 6)))]
    lanes = [
        Lane(
            id=new("l"),
            kind=draw(st.sampled_from(["enchantments", "irritants", "custom"])),
            title=draw(_text),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    personas = []
    for _ in range(draw(st.integers(0, 3))):
        fields = {f: draw(_text) for f in PERSONA_FIELDS}
        personas.append(
            Persona(
                id=new("a"), name=draw(_name), emoji=draw(st.sampled_from(["", "🤿"])), **fields
            )
        )
    notes: dict[str, Note] = {}
    if personas:
        for _ in range(draw(st.integers(0, 25))):
            note = Note(
                id=new("n"),
                persona=draw(st.sampled_from(personas)).id,
                stage=draw(st.sampled_from(stages)).id,
                lane=draw(st.sampled_from(lanes)).id,
                text=draw(st.text(_any_char, max_size=120)),
                channel=draw(st.sampled_from(CHANNELS)),
                pos=draw(st.floats(-1e6, 1e6, allow_nan=False)),
                author=draw(st.sampled_from(people)).id,
                version=draw(st.integers(1, 50)),
                tags=tuple(draw(st.lists(st.sampled_from(SOLUTION_TAGS), max_size=2, unique=True))),
                hidden=draw(st.booleans()),
                votes=draw(st.none() | st.integers(0, 30)),
            )
            notes[note.id] = note
    emotions = {}
    for persona in personas:
        for stage in stages:
            if draw(st.booleans()):
                ratings = {p.id: draw(st.integers(-2, 2)) for p in people if draw(st.booleans())}
                emotions[f"{persona.id}:{stage.id}"] = Emotion(
                    persona=persona.id,
                    stage=stage.id,
                    ratings=ratings,
                    fixed=draw(st.none() | st.integers(-2, 2)),
                )
    objectives = [
        Objective(id=new("o"), title=draw(_name), description=draw(_text), kpis=draw(_text))
        for _ in range(draw(st.integers(0, 4)))
    ]
    votable = [o.id for o in objectives] + list(notes)
    rounds = []
    for _ in range(draw(st.integers(0, 2)) if votable else 0):
        items = draw(st.lists(st.sampled_from(votable), min_size=1, max_size=5, unique=True))
        dots = {
            p.id: {i: draw(st.integers(0, 3)) for i in items if draw(st.booleans())}
            for p in people
            if draw(st.booleans())
        }
        rounds.append(
            VoteRound(
                id=new("r"),
                title=draw(_text),
                items=items,
                status=draw(st.sampled_from(["open", "paused", "closed", "revealed"])),
                hidden=draw(st.booleans()),
                anonymous=draw(st.booleans()),
                dots=dots,
                ends_at=draw(st.none() | st.floats(0, 2e9)),
            )
        )
    roadmap = {}
    for _ in range(draw(st.integers(0, 5))):
        scores = {
            c: {p.id: draw(st.integers(1, 5)) for p in people if draw(st.booleans())}
            for c in CRITERIA
            if draw(st.booleans())
        }
        source = draw(st.none() | st.sampled_from(list(notes))) if notes else None
        item = RoadmapItem(
            id=new("i"),
            title=draw(_name),
            description=draw(_text),
            notes=[source] if source else [],
            owner=draw(_text),
            scores=scores,
            override=draw(
                st.none() | st.sampled_from(["quick_win", "must_have", "nice_to_have", "waow"])
            ),
            quarter=draw(st.none() | st.integers(0, 7)),
            persona=notes[source].persona if source else "",
        )
        roadmap[item.id] = item
    scenarios = {}
    for _ in range(draw(st.integers(0, 2))):
        chosen = draw(st.lists(st.sampled_from(SCENARIO_FIELDS), max_size=5, unique=True))
        scenario = Scenario(
            id=new("c"),
            title=draw(_name),
            moment=draw(st.sampled_from(["commercial", "brand", "customer"])),
            fields={f: draw(_text) for f in chosen},
        )
        scenarios[scenario.id] = scenario
    plan = [
        PlanRow(
            id=new("m"),
            title=draw(_name),
            persona=draw(st.sampled_from(["", *(p.id for p in personas)])),
            segment=draw(_text),
            channels=draw(st.lists(st.sampled_from(CHANNELS), max_size=3, unique=True)),
            content=draw(_text),
            frequency=draw(_text),
            months=sorted(draw(st.sets(st.integers(1, 12), max_size=4))),
            trigger=draw(_text),
            owner=draw(_text),
            objective=draw(st.sampled_from(["", *(o.id for o in objectives)])),
            kpis=draw(_text),
            votes=draw(st.none() | st.integers(0, 9)),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Workshop(
        id="rand" + draw(st.text(string.ascii_lowercase + string.digits, min_size=4, max_size=8)),
        title=draw(st.text(_any_char, min_size=1, max_size=60).filter(lambda s: s.strip())),
        lang=draw(st.sampled_from(["en", "fr"])),
        counter=counter + draw(st.integers(0, 3)),
        stages=stages,
        lanes=lanes,
        personas=personas,
        notes=notes,
        participants={p.id: p for p in people},
        emotions=emotions,
        objectives=objectives,
        rounds=rounds,
        roadmap=roadmap,
        scenarios=scenarios,
        plan=plan,
        phase=draw(st.sampled_from(["journeys", "vote", "roadmap"])),
        timer_ends_at=draw(st.none() | st.floats(0, 2e9)),
        locked=draw(st.booleans()),
        private=draw(st.booleans()),
    )


def test_filled_workshop_is_sound() -> None:
    """The filled demo passes every snapshot check, in both languages."""
    assert snapshot.check(filled("en")) == []
    assert snapshot.check(filled("fr")) == []


@settings(max_examples=50, deadline=None)
@given(workshops())
def test_random_workshops_are_sound(workshop: Workshop) -> None:
    """The generator only makes workshops that pass every snapshot check."""
    assert snapshot.check(workshop) == []


def large(lang: str = "fr") -> Workshop:
    """The filled demo grown to a big workshop: 95 notes, 3 personas (one named past Excel's
    31 characters), 8 scored roadmap items, 3 scenarios, a revealed vote, and one cell of 16
    long notes, a lane taller than a page."""
    w = filled(lang, "large01")
    third = Persona(
        id=_new(w, "a"),
        name="Hélène et Gérard, randonneurs retraités",
        emoji="🥾",
        tagline="68 et 70 ans, Annecy",
        profile="Retraités actifs, trois séjours par an, réservent par téléphone.",
        motivations="Marcher en petit groupe ; un guide qui connaît la flore.",
    )
    w.personas.append(third)
    people = [p.id for p in w.participants.values()]
    texts = [
        "Le site ne dit pas combien de kilomètres on marche chaque jour",
        "Un conseiller au téléphone qui connaît vraiment les sentiers",
        "-20 % sur la location du matériel si on réserve tôt",
        "+33 1 23 45 67 89 : le numéro est introuvable sur l'application",
        "Les horaires du train de retour changent sans prévenir personne",
        "Un carnet de route imprimé, avec les cartes et les refuges",
    ]
    number = 0
    while len(w.notes) < 95:
        persona = w.personas[number % 3]
        stage = w.stages[(number // 3) % len(w.stages)]
        lane = w.lanes[number % len(w.lanes)]
        if number < 16:
            persona, stage, lane = third, w.stages[1], w.lanes[1]
        note = Note(
            id=_new(w, "n"),
            persona=persona.id,
            stage=stage.id,
            lane=lane.id,
            text=f"{texts[number % len(texts)]} ({number + 1}), "
            + "avec un détail de plus pour que la note tienne sur plusieurs lignes.",
            channel=CHANNELS[number % len(CHANNELS)],
            pos=100.0 + number,
            author=people[number % len(people)],
        )
        w.notes[note.id] = note
        number += 1
    for stage, base in zip(w.stages, [1, -2, 0, 1, 2], strict=True):
        ratings = {pid: max(-2, min(2, base + (i % 2))) for i, pid in enumerate(people)}
        w.emotions[f"{third.id}:{stage.id}"] = Emotion(
            persona=third.id, stage=stage.id, ratings=ratings
        )
    for index in range(2):
        item = RoadmapItem(
            id=_new(w, "i"),
            title=f"Conseiller randonnée dédié {index + 1}",
            description="Une ligne directe, des horaires élargis, un rappel sous 24 h.",
            persona=third.id,
            stage=w.stages[1].id,
            owner="Relation client",
            scores={"impact": {p: 4 for p in people}, "cost": {p: 2 for p in people}},
            quarter=index + 2,
        )
        w.roadmap[item.id] = item
    for title in ("Carnet de route", "Relance avant départ"):
        scenario = Scenario(
            id=_new(w, "c"),
            title=title,
            persona=third.id,
            stage=w.stages[2].id,
            fields={"trigger": "15 jours avant le départ", "channels": "courrier, téléphone"},
        )
        w.scenarios[scenario.id] = scenario
    return w


def test_large_workshop_is_sound() -> None:
    """The large workshop passes every snapshot check and has the announced size."""
    w = large()
    assert snapshot.check(w) == []
    assert len(w.notes) == 95 and len(w.personas) == 3 and len(w.scenarios) >= 3
    scored = [i for i in w.roadmap.values() if summary.position(i) is not None]
    assert len(scored) >= 6 and len(w.roadmap) == 8
