// @ts-check
// The board's state and its pure `apply`: the browser only upserts what the server decided.
import { Command, Event } from "./protocol.js";

/**
 * @typedef {{id: string, title: string, objective?: string | null}} Stage
 * @typedef {{id: string, kind: string, title: string}} Lane
 * @typedef {{id: string, kind: string, title: string, minutes: number | null, skipped: boolean}} Step
 * @typedef {{id: string, name: string, members: string[], persona: string, help: boolean}} Group
 * @typedef {{id: string, name: string, emoji: string, photo?: string}} Persona
 * @typedef {{id: string, persona: string, stage: string, lane: string, text: string,
 *            channel: string, pos: number, author: string, version: number,
 *            tags: string[], hidden: boolean, votes: number | null,
 *            target: boolean}} Note
 * @typedef {{id: string, name: string, role: string, proxy?: boolean}} Participant
 * @typedef {{id: string, title: string, description: string, kpis: string, votes: number | null}} Objective
 * @typedef {{item: string, dots: number, rank: number}} Tally
 * @typedef {{id: string, title: string, description: string, notes: string[], persona: string,
 *            stage: string, channel: string, owner: string,
 *            scores: Record<string, Record<string, number>>, override: string | null,
 *            quarter: number | null, answers: string[], impact: number | null,
 *            effort: number | null}} RoadmapItem
 * @typedef {{id: string, channel: string | null, timing: string, content: string}} Campaign
 * @typedef {{id: string, title: string, moment: string, persona: string, stage: string,
 *            fields: Record<string, string>, key_moment: string, answers: string[],
 *            campaigns: Campaign[], scores: Record<string, Record<string, number>>}} Scenario
 * @typedef {{id: string, title: string, kind: string, persona: string, stage: string,
 *            note: string, objective: string | null}} KeyMoment
 * @typedef {{id: string, title: string, persona: string, segment: string, channels: string[],
 *            content: string, frequency: string, months: number[], trigger: string, owner: string,
 *            objective: string, kpis: string, sources: string[], votes: number | null}} PlanRow
 * @typedef {{id: string, title: string, items: string[], budget: number, per_item: number,
 *            anonymous: boolean, hidden: boolean, facilitator_votes: boolean, seconds: number | null,
 *            status: string, ends_at: number | null, voters: number,
 *            spent: Record<string, number>, dots: Record<string, Record<string, number>>,
 *            result: Tally[] | null, by_group?: boolean, groups?: GroupResult[] | null}} VoteRound
 * @typedef {{group: string, name: string, number: number, voters: number, result: Tally[],
 *            withheld: boolean}} GroupResult
 * @typedef {{id: string, title: string, lang: string, stages: Stage[], lanes: Lane[],
 *            personas: Persona[], notes: Record<string, Note>,
 *            participants: Record<string, Participant>, locked: boolean,
 *            objectives: Objective[], rounds: VoteRound[], phase: string,
 *            timer_ends_at: number | null, private: boolean, follow: string | null,
 *            roadmap: Record<string, RoadmapItem>, scenarios: Record<string, Scenario>,
 *            moments: Record<string, KeyMoment>,
 *            plan: PlanRow[],
 *            rules: {strong: number, light: number, expected: number, real: number, buzz: number},
 *            agenda: Step[], step: string | null, done: string[],
 *            groups: Group[], grouped: boolean, group_pick: boolean, group_walls: boolean,
 *            presenting: string,
 *            emotions: Record<string, Emotion>}} Workshop
 * @typedef {{persona: string, stage: string, ratings: Record<string, number>, fixed: number | null,
 *            target: Record<string, number>, target_fixed: number | null}} Emotion
 * @typedef {{type: string, [key: string]: any}} DomainEvent
 * @typedef {{seq: number, op_id: string, actor: string, events: DomainEvent[]}} Entry
 */

/**
 * Apply one event to the workshop, in place; returns it.
 * @param {Workshop} workshop
 * @param {DomainEvent} event
 */
export function apply(workshop, event) {
  switch (event.type) {
    case Event.NOTE_SAVED:
      workshop.notes[event.note.id] = event.note;
      break;
    case Event.NOTE_DELETED:
      delete workshop.notes[event.note];
      break;
    case Event.STAGES_SET: {
      workshop.stages = event.stages;
      const stages = new Set(event.stages.map((/** @type {Stage} */ s) => s.id));
      for (const [key, emotion] of Object.entries(workshop.emotions)) {
        if (!stages.has(emotion.stage)) delete workshop.emotions[key];
      }
      forgetLinks(workshop);
      break;
    }
    case Event.WORKSHOP_RENAMED:
      workshop.title = event.title;
      break;
    case Event.PARTICIPANT_SAVED:
      workshop.participants[event.participant.id] = event.participant;
      break;
    case Event.OBJECTIVES_SET:
      workshop.objectives = event.objectives;
      forgetLinks(workshop);
      break;
    case Event.ROUND_STARTED:
      workshop.rounds = [...workshop.rounds.filter((r) => r.id !== event.round.id), event.round];
      break;
    case Event.ROUND_CHANGED: {
      const round = workshop.rounds.find((r) => r.id === event.round);
      if (!round) break;
      round.status = event.status;
      if (event.groups) round.groups = event.groups;
      if (event.result) {
        round.result = event.result;
        for (const tally of event.result) {
          const objective = workshop.objectives.find((o) => o.id === tally.item);
          if (objective) objective.votes = tally.dots;
          if (workshop.notes[tally.item]) workshop.notes[tally.item].votes = tally.dots;
          const row = (workshop.plan ?? []).find((r) => r.id === tally.item);
          if (row) row.votes = tally.dots;
        }
      }
      break;
    }
    case Event.PERSONA_SAVED: {
      const at = workshop.personas.findIndex((p) => p.id === event.persona.id);
      if (at >= 0) workshop.personas[at] = event.persona;
      else workshop.personas.splice(event.index ?? workshop.personas.length, 0, event.persona);
      break;
    }
    case Event.PERSONAS_ORDERED: {
      const byId = new Map(workshop.personas.map((p) => [p.id, p]));
      workshop.personas = event.order.map((/** @type {string} */ id) => byId.get(id)).filter(Boolean);
      break;
    }
    case Event.PERSONA_DELETED:
      workshop.personas = workshop.personas.filter((p) => p.id !== event.persona);
      for (const [key, emotion] of Object.entries(workshop.emotions)) {
        if (emotion.persona === event.persona) delete workshop.emotions[key];
      }
      if (workshop.follow === event.persona) workshop.follow = null;
      forgetLinks(workshop);
      break;
    case Event.EMOTION_SAVED: {
      const key = `${event.emotion.persona}:${event.emotion.stage}`;
      const { ratings, fixed, target, target_fixed } = event.emotion;
      const empty = !Object.keys(ratings).length && !Object.keys(target || {}).length;
      if (empty && fixed === null && (target_fixed ?? null) === null) delete workshop.emotions[key];
      else workshop.emotions[key] = event.emotion;
      break;
    }
    case Event.LANES_SET:
      workshop.lanes = event.lanes;
      break;
    case Event.FACILITATION_SET:
      Object.assign(workshop, {
        phase: event.phase,
        timer_ends_at: event.timer_ends_at,
        locked: event.locked,
        private: event.private,
        follow: event.follow,
      });
      break;
    case Event.AGENDA_SAVED:
      workshop.agenda = event.agenda;
      workshop.step = event.step;
      break;
    case Event.STEP_SET:
      workshop.step = event.step;
      workshop.done = [];
      break;
    case Event.DONE_SET:
      workshop.done = event.done;
      break;
    case Event.GROUPS_SAVED:
      workshop.groups = event.groups;
      workshop.grouped = event.grouped;
      workshop.group_pick = event.pick;
      workshop.group_walls = event.walls;
      if (!event.groups.some((/** @type {Group} */ g) => g.id === workshop.presenting)) workshop.presenting = "";
      break;
    case Event.TOUR_SET:
      workshop.presenting = event.group;
      break;
    case Event.NOTES_REVEALED:
      for (const note of event.notes) workshop.notes[note.id] = note;
      break;
    case Event.ROADMAP_SAVED:
      workshop.roadmap[event.item.id] = event.item;
      break;
    case Event.ROADMAP_DELETED:
      delete workshop.roadmap[event.item];
      break;
    case Event.RULES_CHANGED:
      workshop.rules = event.rules;
      break;
    case Event.SCENARIO_SAVED:
      workshop.scenarios[event.scenario.id] = event.scenario;
      break;
    case Event.SCENARIO_DELETED:
      delete workshop.scenarios[event.scenario];
      break;
    case Event.MOMENT_SAVED:
      (workshop.moments ??= {})[event.moment.id] = event.moment;
      break;
    case Event.MOMENT_DELETED:
      delete workshop.moments?.[event.moment];
      break;
    case Event.PLAN_SAVED: {
      const plan = (workshop.plan ??= []);
      const at = plan.findIndex((r) => r.id === event.row.id);
      if (at >= 0) plan[at] = event.row;
      else plan.splice(event.index ?? plan.length, 0, event.row);
      break;
    }
    case Event.PLAN_ORDERED: {
      const byId = new Map((workshop.plan ?? []).map((r) => [r.id, r]));
      workshop.plan = event.order.map((/** @type {string} */ id) => byId.get(id)).filter(Boolean);
      break;
    }
    case Event.PLAN_DELETED:
      workshop.plan = (workshop.plan ?? []).filter((r) => r.id !== event.row);
      break;
    case Event.DOTS_SET: {
      const round = workshop.rounds.find((r) => r.id === event.round);
      if (!round) break;
      round.voters = event.voters;
      if (event.voter) {
        round.spent[event.voter] = event.spent;
        round.dots[event.voter] = event.dots;
      }
      break;
    }
    case Event.TRASH_PUT: {
      const trash = /** @type {any} */ (workshop).trash ?? {};
      for (const entry of event.entries) trash[entry.id] = entry;
      /** @type {any} */ (workshop).trash = trash;
      break;
    }
    case Event.TRASH_TAKEN:
      for (const id of event.items) delete /** @type {any} */ (workshop).trash?.[id];
      break;
    default:
      // An event this page does not know (a newer server): the next snapshot carries it.
      break;
  }
  return workshop;
}

/**
 * @param {Workshop} workshop
 * @param {Entry} entry
 */
export function applyEntry(workshop, entry) {
  for (const event of entry.events) apply(workshop, event);
  return workshop;
}

/**
 * Items and scenarios stop naming a persona or stage that is gone (as sessions/roadmap.py does).
 * @param {Workshop} workshop
 */
function forgetLinks(workshop) {
  const personas = new Set(workshop.personas.map((p) => p.id));
  const stages = new Set(workshop.stages.map((s) => s.id));
  for (const linked of [...Object.values(workshop.roadmap ?? {}), ...Object.values(workshop.scenarios ?? {})]) {
    if (linked.persona && !personas.has(linked.persona)) linked.persona = "";
    if (linked.stage && !stages.has(linked.stage)) linked.stage = "";
  }
  for (const moment of Object.values(workshop.moments ?? {})) {
    if (moment.persona && !personas.has(moment.persona)) moment.persona = "";
    if (moment.stage && !stages.has(moment.stage)) moment.stage = "";
  }
  for (const group of workshop.groups ?? []) if (group.persona && !personas.has(group.persona)) group.persona = "";
  const objectives = new Set(workshop.objectives.map((o) => o.id));
  for (const row of workshop.plan ?? []) {
    if (row.persona && !personas.has(row.persona)) row.persona = "";
    if (row.objective && !objectives.has(row.objective)) row.objective = "";
  }
}

/** Number part of an id such as "n42". @param {string} id */
export function idNumber(id) {
  return Number.parseInt(id.replace(/^[a-z]+/, ""), 10) || 0;
}

/**
 * Notes of one cell in display order (by pos, then id), as the server orders them.
 * @param {Workshop} workshop @param {string} persona @param {string} stage @param {string} lane
 */
export function cellNotes(workshop, persona, stage, lane) {
  return Object.values(workshop.notes)
    .filter((n) => n.persona === persona && n.stage === stage && n.lane === lane)
    .sort((a, b) => a.pos - b.pos || idNumber(a.id) - idNumber(b.id));
}

/** The round that is open or paused, else the latest one. @param {Workshop} workshop */
export function currentRound(workshop) {
  const live = workshop.rounds.find((r) => r.status === "open" || r.status === "paused");
  return live ?? workshop.rounds[workshop.rounds.length - 1] ?? null;
}

/** Title of a vote item (an objective, a note or a plan row). @param {Workshop} workshop @param {string} id */
export function itemTitle(workshop, id) {
  const objective = workshop.objectives.find((o) => o.id === id);
  if (objective) return objective.title;
  const row = (workshop.plan ?? []).find((r) => r.id === id);
  if (row) return row.title;
  return workshop.notes[id]?.text ?? "?";
}

/** The agenda step the room is on, or null. @param {Workshop} workshop */
export function currentStep(workshop) {
  return (workshop.agenda ?? []).find((s) => s.id === workshop.step) ?? null;
}

/**
 * The next (or previous) step that is not skipped, from the current one; from the start when
 * the room is on none.
 * @param {Workshop} workshop @param {1 | -1} direction
 */
export function neighbourStep(workshop, direction) {
  const steps = workshop.agenda ?? [];
  const at = steps.findIndex((s) => s.id === workshop.step);
  for (let i = at === -1 ? (direction > 0 ? 0 : -1) : at + direction; i >= 0 && i < steps.length; i += direction) {
    if (!steps[i].skipped) return steps[i];
  }
  return null;
}

/**
 * The board as its author sees it: the server's state with their own changes that are still
 * waiting (offline, or not acknowledged yet) shown at once. Only notes are predicted, and only
 * from the author's own commands; the server's events replace the prediction when they arrive.
 * Returns the workshop itself when nothing is waiting.
 * @param {Workshop} workshop
 * @param {Iterable<{type: string, op_id: string, [key: string]: any}>} waiting
 * @param {string} me
 */
export function withPending(workshop, waiting, me) {
  /** @type {Record<string, Note> | null} */
  let notes = null;
  const own = () => (notes ??= { ...workshop.notes });
  for (const command of waiting) {
    switch (command.type) {
      case Command.NOTE_ADD: {
        const id = `pending-${command.op_id}`;
        own()[id] = {
          id, persona: command.persona, stage: command.stage, lane: command.lane,
          text: command.text ?? "", channel: command.channel ?? "web", pos: Number.MAX_SAFE_INTEGER,
          author: me, version: 0, tags: [...(command.tags ?? [])].sort(), hidden: false, votes: null, target: false,
        };
        break;
      }
      case Command.NOTE_EDIT: {
        const note = (notes ?? workshop.notes)[command.note];
        if (!note) break;
        own()[note.id] = { ...note, text: command.text ?? note.text, channel: command.channel ?? note.channel };
        break;
      }
      case Command.NOTE_MOVE: {
        const all = notes ?? workshop.notes;
        const note = all[command.note];
        if (!note) break;
        const others = cellNotes({ ...workshop, notes: all }, note.persona, command.stage, command.lane).filter((n) => n.id !== note.id);
        const at = Math.min(command.index, others.length);
        const before = others[at - 1]?.pos;
        const after = others[at]?.pos;
        const pos = before === undefined ? (after === undefined ? 1 : after - 1) : after === undefined ? before + 1 : (before + after) / 2;
        own()[note.id] = { ...note, stage: command.stage, lane: command.lane, pos };
        break;
      }
      case Command.NOTE_DELETE:
        if ((notes ?? workshop.notes)[command.note]) delete own()[command.note];
        break;
      default:
        break;
    }
  }
  return notes ? { ...workshop, notes } : workshop;
}
