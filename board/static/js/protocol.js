// @ts-check
// The message tags of sessions/protocol.py, frozen. A test checks they match Python's.

export const PROTOCOL_VERSION = 1;

/** Client -> server. */
export const Command = Object.freeze({
  HELLO: "hello",
  NOTE_ADD: "note.add",
  NOTE_EDIT: "note.edit",
  NOTE_MOVE: "note.move",
  NOTE_DELETE: "note.delete",
  STAGE_ADD: "stage.add",
  STAGE_RENAME: "stage.rename",
  STAGE_MOVE: "stage.move",
  STAGE_REMOVE: "stage.remove",
  WORKSHOP_RENAME: "workshop.rename",
  PARTICIPANT_RENAME: "participant.rename",
  OBJECTIVE_ADD: "objective.add",
  OBJECTIVE_EDIT: "objective.edit",
  OBJECTIVE_REMOVE: "objective.remove",
  ROUND_START: "round.start",
  ROUND_SET: "round.set",
  DOT_ADD: "dot.add",
  DOT_REMOVE: "dot.remove",
  PARTICIPANT_ADD: "participant.add",
  PERSONA_ADD: "persona.add",
  PERSONA_EDIT: "persona.edit",
  PERSONA_MOVE: "persona.move",
  PERSONA_REMOVE: "persona.remove",
  EMOTION_RATE: "emotion.rate",
  EMOTION_FIX: "emotion.fix",
  LANE_ADD: "lane.add",
  LANE_RENAME: "lane.rename",
  LANE_MOVE: "lane.move",
  LANE_REMOVE: "lane.remove",
  NOTE_TAG: "note.tag",
  PHASE_SET: "phase.set",
  TIMER_SET: "timer.set",
  BOARD_LOCK: "board.lock",
  PRIVATE_SET: "private.set",
  NOTES_REVEAL: "notes.reveal",
  FOLLOW_SET: "follow.set",
  ROADMAP_ADD: "roadmap.add",
  ROADMAP_EDIT: "roadmap.edit",
  ROADMAP_SCORE: "roadmap.score",
  ROADMAP_CLASSIFY: "roadmap.classify",
  ROADMAP_PLACE: "roadmap.place",
  ROADMAP_ADJUST: "roadmap.adjust",
  ROADMAP_REMOVE: "roadmap.remove",
  RULES_SET: "rules.set",
  SCENARIO_ADD: "scenario.add",
  SCENARIO_EDIT: "scenario.edit",
  SCENARIO_REMOVE: "scenario.remove",
  HISTORY_UNDO: "history.undo",
  HISTORY_REDO: "history.redo",
  TRASH_RESTORE: "trash.restore",
});

/** Events inside an entry. */
export const Event = Object.freeze({
  NOTE_SAVED: "note.saved",
  NOTE_DELETED: "note.deleted",
  STAGES_SET: "stages.set",
  WORKSHOP_RENAMED: "workshop.renamed",
  PARTICIPANT_SAVED: "participant.saved",
  OBJECTIVES_SET: "objectives.set",
  ROUND_STARTED: "round.started",
  ROUND_CHANGED: "round.changed",
  DOTS_SET: "dots.set",
  PERSONA_SAVED: "persona.saved",
  PERSONAS_ORDERED: "personas.ordered",
  PERSONA_DELETED: "persona.deleted",
  EMOTION_SAVED: "emotion.saved",
  LANES_SET: "lanes.set",
  FACILITATION_SET: "facilitation.set",
  NOTES_REVEALED: "notes.revealed",
  ROADMAP_SAVED: "roadmap.saved",
  ROADMAP_DELETED: "roadmap.deleted",
  RULES_CHANGED: "rules.changed",
  SCENARIO_SAVED: "scenario.saved",
  SCENARIO_DELETED: "scenario.deleted",
  HISTORY_PUSHED: "history.pushed",
  HISTORY_UNDONE: "history.undone",
  HISTORY_REDONE: "history.redone",
  HISTORY_SHOWN: "history.shown",
  TRASH_PUT: "trash.put",
  TRASH_TAKEN: "trash.taken",
});

/** Server -> client. */
export const Message = Object.freeze({
  WELCOME: "welcome",
  EVENT: "event",
  EVENTS: "events",
  ACK: "ack",
  ERROR: "error",
  PRESENCE: "presence",
});

export const Limits = Object.freeze({
  NOTE_TEXT_MAX: 500,
  NAME_MAX: 60,
  TITLE_MAX: 80,
  WORKSHOP_TITLE_MAX: 120,
});

export const CHANNELS = Object.freeze([
  "web", "email", "chatbot", "app", "vr", "social", "phone", "crc", "onsite",
]);

/** Close codes the server uses beyond the standard ones. */
export const Close = Object.freeze({
  RESYNC: 4001,
  PROTOCOL: 4400,
  FORBIDDEN: 4403,
  NOT_FOUND: 4404,
  DELETED: 4410,
});
