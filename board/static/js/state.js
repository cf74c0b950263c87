// @ts-check
// The board's state and its pure `apply`: the browser only upserts what the server decided.
import { Event } from "./protocol.js";

/**
 * @typedef {{id: string, title: string}} Stage
 * @typedef {{id: string, kind: string, title: string}} Lane
 * @typedef {{id: string, name: string, emoji: string}} Persona
 * @typedef {{id: string, persona: string, stage: string, lane: string, text: string,
 *            channel: string, pos: number, author: string, version: number}} Note
 * @typedef {{id: string, name: string, role: string}} Participant
 * @typedef {{id: string, title: string, lang: string, stages: Stage[], lanes: Lane[],
 *            personas: Persona[], notes: Record<string, Note>,
 *            participants: Record<string, Participant>, locked: boolean}} Workshop
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
    case Event.STAGES_SET:
      workshop.stages = event.stages;
      break;
    case Event.WORKSHOP_RENAMED:
      workshop.title = event.title;
      break;
    case Event.PARTICIPANT_SAVED:
      workshop.participants[event.participant.id] = event.participant;
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
