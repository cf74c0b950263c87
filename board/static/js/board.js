// @ts-check
// The board page: holds the replica, turns gestures into commands, renders what the server decided.
import { Connection } from "./connection.js";
import { askText, confirmAction, editNote, showInvite } from "./dialogs.js";
import { enableDragAndDrop } from "./dnd.js";
import { readAccess, saveAccess } from "./home.js";
import { onLangChange, t } from "./i18n.js";
import { CHANNELS, Command, Limits, Message } from "./protocol.js";
import { BoardView, channelName, h, laneName } from "./render.js";
import { applyEntry, cellNotes, currentRound } from "./state.js";
import { results, VoteView } from "./vote.js";
import { PersonasView } from "./personas.js";
import { CurveView, heatmap } from "./curve.js";
import { FacilitationView } from "./facilitation.js";
import { showExports } from "./exports.js";
import { RoadmapView } from "./roadmap.js";
import { ScenariosView } from "./scenarios.js";
import { KeepingBar } from "./history.js";

const SECTIONS = ["personas", "journeys", "heatmap", "vote", "roadmap", "scenarios"];

/** @typedef {import("./state.js").Workshop} Workshop */

/**
 * @param {HTMLElement} main
 * @param {string} workshopId
 * @param {(message: string) => void} toast
 */
export function startBoard(main, workshopId, toast, mode = "board") {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("k");
  if (fromLink) {
    saveAccess(workshopId, { token: fromLink });
    history.replaceState(null, "", location.pathname); // keep the secret off the screen
  }
  const access = readAccess(workshopId);
  if (!access) {
    main.replaceChildren(
      h("section", { class: "card narrow" }, [
        h("h2", { text: t("error.noaccess") }),
        h("p", { text: t("error.noaccess.help") }),
        h("a", { class: "btn primary", href: "/", text: t("home.link") }),
      ]),
    );
    document.documentElement.dataset.phase = "noaccess";
    return;
  }

  /** @type {Workshop | null} */
  let workshop = null;
  let seq = 0;
  /** @type {string | null} */
  let epoch = null;
  /** @type {{id: string, name: string, role: string} | null} */
  let me = null;
  /** @type {string | null} */
  let code = null;
  let persona = "";
  let stageIndex = 0;
  let lastChannel = "web";
  const narrowQuery = matchMedia("(max-width: 720px)");
  const sectionFromHash = () => {
    const wanted = location.hash.slice(1);
    return SECTIONS.includes(wanted) ? wanted : "journeys";
  };
  let section = sectionFromHash();
  /** @type {string | null} */
  let followed = null;

  const facilitationRoot = h("div", { class: "facilitation" });
  const nav = h("nav", { class: "sections", "aria-label": t("nav.label") });
  const personasRoot = h("div", { class: "section-personas" });
  const journeyRoot = h("div", { class: "section-journeys" });
  const gridRoot = h("div", { class: "journey-grid" });
  const curveRoot = h("div", { class: "journey-curve" });
  const heatRoot = h("div", { class: "section-heatmap" });
  journeyRoot.append(gridRoot, curveRoot);
  const voteRoot = h("div", { class: "section-vote" });
  const roadmapRoot = h("div", { class: "section-roadmap" });
  const scenariosRoot = h("div", { class: "section-scenarios" });
  const screenRoot = h("div", { class: "screen" });
  /** @type {Record<string, HTMLElement>} */
  const roots = {
    personas: personasRoot,
    journeys: journeyRoot,
    heatmap: heatRoot,
    vote: voteRoot,
    roadmap: roadmapRoot,
    scenarios: scenariosRoot,
  };
  if (mode === "screen") main.replaceChildren(screenRoot);
  else main.replaceChildren(facilitationRoot, nav, ...Object.values(roots));
  for (const root of Object.values(roots)) root.hidden = true;
  /** @param {Record<string, any>} command */
  const send = (command) => {
    const op = connection.send(command);
    render();
    return op;
  };
  const voteView = new VoteView(voteRoot, { send, pending: () => [...connection.outbox.values()] });
  const personasView = new PersonasView(personasRoot, { send });
  const curveView = new CurveView(curveRoot, { send });
  const roadmapView = new RoadmapView(roadmapRoot, { send });
  const scenariosView = new ScenariosView(scenariosRoot, { send });
  const facilitationView = new FacilitationView(facilitationRoot, {
    send,
    persona: () => persona,
    saveTemplate: async (label) => {
      const answer = await fetch(`/api/workshops/${workshopId}/template`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${access.token}` },
        body: JSON.stringify({ label }),
      });
      const body = await answer.json().catch(() => ({}));
      toast(answer.ok ? t("facilitate.templateSaved") : body.message ?? answer.statusText);
    },
  });
  addEventListener("hashchange", () => {
    section = sectionFromHash();
    render();
  });

  const view = new BoardView(gridRoot, {
    onAdd: (stage, lane) => addNote(stage, lane),
    onOpen: (id) => openNote(id),
    onKeyMove: (id, key, shift) => keyMove(id, key, shift),
    onStage: (action, id) => stageAction(action, id),
    onAddStage: () => addStage(),
    onLane: (action, id) => laneAction(action, id),
    onAddLane: () => addLane(),
    onPersona: (id) => {
      persona = id;
      render();
    },
    onStageIndex: (i) => {
      stageIndex = i;
      render();
    },
  });
  enableDragAndDrop(main, (note, stage, lane, index) => {
    connection.send({ type: Command.NOTE_MOVE, note, stage, lane, index });
    render();
  });

  const connection = new Connection({
    workshop: workshopId,
    token: access.token,
    resume: () => ({ last_seq: workshop ? seq : null, epoch }),
    onMessage: receive,
    onStatus: showStatus,
    onRefused: (_command, error) => toast(error.message),
    onFatal: (closeCode) => {
      main.replaceChildren(
        h("section", { class: "card narrow" }, [
          h("h2", { text: closeCode === 4400 ? t("error.generic", { message: "protocol" }) : closeCode === 4410 ? t("keep.deleted") : t("error.not_found.workshop") }),
          h("a", { class: "btn primary", href: "/", text: t("home.link") }),
        ]),
      );
      document.documentElement.dataset.phase = "error";
    },
  });
  const keepingBar = mode === "screen" ? null : new KeepingBar({ send, workshop: () => workshop, me: () => me, workshopId, token: access.token, toast });
  connection.start();
  narrowQuery.addEventListener("change", render);
  onLangChange(() => {
    view.structureKey = "";
    render();
  });
  const exportButton = /** @type {HTMLButtonElement} */ (document.getElementById("export-btn"));
  exportButton.addEventListener("click", () => showExports(workshopId, access.token, toast));
  const shareButton = /** @type {HTMLButtonElement} */ (document.getElementById("share-btn"));
  shareButton.addEventListener("click", () => {
    if (!code) return;
    showInvite({
      code,
      joinUrl: `${location.origin}/j/${code}`,
      facilitatorUrl: `${location.origin}/w/${workshopId}#k=${access.token}`,
    });
  });

  /** @param {any} message */
  function receive(message) {
    switch (message.type) {
      case Message.WELCOME: {
        me = message.you;
        code = message.code ?? null;
        if (message.snapshot) {
          workshop = message.snapshot;
          seq = message.seq;
        }
        epoch = message.epoch;
        for (const entry of message.entries ?? []) accept(entry);
        keepingBar?.welcome(message);
        if (!workshop) return;
        if (!workshop.personas.some((p) => p.id === persona)) persona = workshop.personas[0]?.id ?? "";
        saveAccess(workshopId, { title: workshop.title });
        shareButton.hidden = me?.role !== "facilitator";
        exportButton.hidden = me?.role !== "facilitator";
        render();
        document.documentElement.dataset.phase = "board";
        document.documentElement.dataset.role = me?.role ?? "";
        break;
      }
      case Message.EVENT:
        if (accept(message.entry)) render();
        break;
      case Message.EVENTS: {
        let changed = false;
        for (const entry of message.entries) changed = accept(entry) || changed;
        if (changed) render();
        break;
      }
      case Message.PRESENCE:
        showPresence(message.online);
        break;
      case Message.ERROR:
        if (!message.op_id) toast(message.message);
        break;
      case "resync":
        epoch = null; // the next welcome brings a fresh snapshot
        break;
      default:
        break;
    }
  }

  /** @param {import("./state.js").Entry} entry */
  function accept(entry) {
    if (!workshop || entry.seq <= seq) return false;
    if (entry.seq !== seq + 1) {
      connection.kick(); // a gap: resume from our seq
      return false;
    }
    applyEntry(workshop, entry);
    keepingBar?.entry(entry);
    seq = entry.seq;
    document.documentElement.dataset.seq = String(seq);
    return true;
  }

  function pendingNotes() {
    const ids = new Set();
    for (const command of connection.outbox.values()) if (command.note) ids.add(command.note);
    return ids;
  }

  function render() {
    if (!workshop) return;
    keepingBar?.render();
    if (mode === "screen") {
      renderScreen(screenRoot, workshop, code);
      return;
    }
    const facilitator = me?.role === "facilitator";
    if (!facilitator && workshop.follow && workshop.follow !== followed) {
      persona = workshop.follow; // follow-me: the facilitator's persona tab
      if (section !== "journeys" && section !== "personas") location.hash = "journeys";
    }
    followed = workshop.follow;
    facilitationView.render(workshop, { facilitator });
    renderNav();
    for (const [name, root] of Object.entries(roots)) root.hidden = name !== section;
    const title = /** @type {HTMLElement} */ (document.getElementById("workshop-title"));
    title.textContent = workshop.title;
    document.title = `${workshop.title} · Parcours`;
    const readOnly = workshop.locked && !facilitator;
    document.documentElement.dataset.locked = String(workshop.locked);
    if (section === "vote") {
      voteView.render(workshop, { me: me?.id ?? "", facilitator, code });
      return;
    }
    if (section === "personas") {
      personasView.render(workshop, { facilitator, locked: workshop.locked });
      return;
    }
    if (section === "heatmap") {
      heatRoot.replaceChildren(heatmap(workshop, [...CHANNELS], channelName));
      return;
    }
    if (section === "roadmap") {
      roadmapView.render(workshop, { me: me?.id ?? "", facilitator });
      return;
    }
    if (section === "scenarios") {
      scenariosView.render(workshop, { facilitator });
      return;
    }
    const narrow = narrowQuery.matches;
    stageIndex = Math.max(0, Math.min(stageIndex, workshop.stages.length - 1));
    view.render(workshop, {
      persona,
      facilitator,
      narrow,
      stageIndex,
      pending: pendingNotes(),
      me: me?.id ?? "",
      readOnly,
    });
    curveView.render(workshop, {
      persona,
      me: me?.id ?? "",
      facilitator,
      stages: narrow ? [workshop.stages[stageIndex]?.id] : workshop.stages.map((s) => s.id),
    });
  }

  function renderNav() {
    if (!workshop) return;
    const round = currentRound(workshop);
    const live = round && (round.status === "open" || round.status === "paused");
    /** @type {[string, string][]} */
    const items = [
      ["personas", t("nav.personas")],
      ["journeys", t("nav.journeys")],
      ["heatmap", t("nav.heatmap")],
      ["vote", t("nav.vote")],
      ["roadmap", t("nav.roadmap")],
      ["scenarios", t("nav.scenarios")],
    ];
    const key = JSON.stringify([section, live, document.documentElement.lang]);
    if (nav.dataset.key === key) return;
    nav.dataset.key = key;
    nav.replaceChildren(
      ...items.map(([id, label]) => {
        const link = h("a", { href: `#${id}`, class: "section-link", "data-section": id, text: label });
        if (id === section) link.setAttribute("aria-current", "page");
        if (id === "vote" && live && section !== "vote") link.append(h("span", { class: "badge", text: t("vote.open") }));
        return link;
      }),
    );
  }

  /** @param {string} status @param {number} pending */
  function showStatus(status, pending) {
    const box = /** @type {HTMLElement} */ (document.getElementById("conn"));
    const label = status === "online" ? t("conn.online") : status === "connecting" ? t("conn.connecting") : t("conn.offline");
    box.replaceChildren(h("span", { class: `dot ${status}`, "aria-hidden": "true" }), label);
    if (pending) box.append(h("span", { class: "pending-count", text: ` · ${t("conn.pending", { n: pending })}` }));
    render();
  }

  /** @param {{id: string, name: string, role: string}[]} online */
  function showPresence(online) {
    const box = /** @type {HTMLElement} */ (document.getElementById("presence"));
    const list = h("ul", { class: "people" });
    for (const person of online) {
      const tags = [person.id === me?.id ? t("presence.you") : "", person.role === "facilitator" ? t("role.facilitator") : ""].filter(Boolean);
      list.append(h("li", {}, [h("span", { class: "avatar", "aria-hidden": "true", text: initials(person.name) }), person.name, tags.length ? ` (${tags.join(", ")})` : ""]));
    }
    const details = h("details", { class: "presence-box" }, [
      h("summary", { "aria-label": `${t("presence.label")}: ${t("presence.count", { n: online.length })}`, text: t("presence.count", { n: online.length }) }),
      list,
    ]);
    const wasOpen = box.querySelector("details")?.open;
    if (wasOpen) details.open = true;
    box.replaceChildren(details);
  }

  /** @param {string} stage @param {string} lane */
  async function addNote(stage, lane) {
    if (!workshop) return;
    const result = await editNote({
      title: t("note.new"),
      draft: { text: "", channel: lastChannel, stage, lane, tags: [] },
      workshop,
      canDelete: false,
    });
    if (result?.action !== "save") return;
    lastChannel = result.draft.channel;
    connection.send({
      type: Command.NOTE_ADD,
      persona,
      stage: result.draft.stage,
      lane: result.draft.lane,
      text: result.draft.text,
      channel: result.draft.channel,
    });
  }

  /** @param {string} id */
  async function openNote(id) {
    const note = workshop?.notes[id];
    if (!workshop || !note) return;
    const result = await editNote({
      title: t("note.edit"),
      draft: { text: note.text, channel: note.channel, stage: note.stage, lane: note.lane, tags: note.tags ?? [] },
      workshop,
      canDelete: true,
    });
    if (!result) return;
    if (result.action === "delete") {
      if (await confirmAction(t("note.delete.confirm"), t("note.delete"))) {
        connection.send({ type: Command.NOTE_DELETE, note: id });
      }
      return;
    }
    const { draft } = result;
    if (draft.text !== note.text || draft.channel !== note.channel) {
      connection.send({ type: Command.NOTE_EDIT, note: id, text: draft.text, channel: draft.channel });
      lastChannel = draft.channel;
    }
    if (draft.tags.join() !== (note.tags ?? []).join()) {
      connection.send({ type: Command.NOTE_TAG, note: id, tags: draft.tags });
    }
    if (draft.stage !== note.stage || draft.lane !== note.lane) {
      connection.send({ type: Command.NOTE_MOVE, note: id, stage: draft.stage, lane: draft.lane, index: 100000 });
    }
    render();
  }

  /** @param {string} id @param {string} key @param {boolean} shift */
  function keyMove(id, key, shift) {
    const note = workshop?.notes[id];
    if (!workshop || !note) return;
    const stages = workshop.stages.map((s) => s.id);
    const lanes = workshop.lanes.map((l) => l.id);
    let stage = note.stage;
    let lane = note.lane;
    const cell = cellNotes(workshop, note.persona, note.stage, note.lane).map((n) => n.id);
    let index = 100000;
    const at = cell.indexOf(id);
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const i = stages.indexOf(stage) + (key === "ArrowLeft" ? -1 : 1);
      if (i < 0 || i >= stages.length) return;
      stage = stages[i];
      if (narrowQuery.matches) stageIndex = i;
    } else if (shift) {
      const i = lanes.indexOf(lane) + (key === "ArrowUp" ? -1 : 1);
      if (i < 0 || i >= lanes.length) return;
      lane = lanes[i];
    } else {
      index = at + (key === "ArrowUp" ? -1 : 1);
      if (index < 0 || index >= cell.length) return;
    }
    connection.send({ type: Command.NOTE_MOVE, note: id, stage, lane, index });
    const laneInfo = workshop.lanes.find((l) => l.id === lane);
    toast(t("note.moved", {
      stage: workshop.stages.find((s) => s.id === stage)?.title ?? "",
      lane: laneInfo ? laneName(laneInfo.kind, laneInfo.title) : "",
    }));
    render();
  }

  /** @param {string} action @param {string} id */
  async function stageAction(action, id) {
    if (!workshop) return;
    const index = workshop.stages.findIndex((s) => s.id === id);
    const stage = workshop.stages[index];
    if (!stage) return;
    if (action === "rename") {
      const title = await askText(t("stage.rename"), t("stage.title"), stage.title, Limits.TITLE_MAX);
      if (title && title !== stage.title) connection.send({ type: Command.STAGE_RENAME, stage: id, title });
    } else if (action === "left" || action === "right") {
      connection.send({ type: Command.STAGE_MOVE, stage: id, index: index + (action === "left" ? -1 : 1) });
    } else if (action === "remove") {
      const inside = Object.values(workshop.notes).filter((n) => n.stage === id).length;
      if (await confirmAction(t("stage.remove.confirm", { stage: stage.title, n: inside }), t("stage.remove"))) {
        connection.send({ type: Command.STAGE_REMOVE, stage: id, with_notes: true });
      }
    }
  }

  /** @param {string} action @param {string} id */
  async function laneAction(action, id) {
    const lane = workshop?.lanes.find((l) => l.id === id);
    if (!workshop || !lane) return;
    if (action === "rename") {
      const title = await askText(t("lane.rename"), t("lane.title"), lane.title, Limits.TITLE_MAX);
      if (title && title !== lane.title) connection.send({ type: Command.LANE_RENAME, lane: id, title });
    } else if (action === "remove") {
      const inside = Object.values(workshop.notes).filter((n) => n.lane === id).length;
      if (await confirmAction(t("lane.remove.confirm", { lane: lane.title, n: inside }), t("lane.remove"))) {
        connection.send({ type: Command.LANE_REMOVE, lane: id, with_notes: true });
      }
    }
  }

  async function addLane() {
    const title = await askText(t("lane.add"), t("lane.title"), "", Limits.TITLE_MAX);
    if (title) connection.send({ type: Command.LANE_ADD, title });
  }

  async function addStage() {
    const title = await askText(t("stage.add"), t("stage.title"), "", Limits.TITLE_MAX);
    if (title) connection.send({ type: Command.STAGE_ADD, title });
  }
}

/**
 * The projector: title, how to join, participation, and the results once revealed.
 * @param {HTMLElement} root @param {Workshop} workshop @param {string | null} code
 */
function renderScreen(root, workshop, code) {
  const round = currentRound(workshop);
  const people = Object.values(workshop.participants).filter((p) => p.role !== "facilitator").length;
  const parts = [h("h2", { class: "screen-title", text: workshop.title })];
  if (round?.status === "revealed") {
    parts.push(h("p", { class: "screen-status", text: t("vote.revealed") }), results(workshop, round));
  } else {
    if (code) {
      parts.push(
        h("div", { class: "screen-join" }, [
          h("img", { class: "qr big", src: `/api/join/${code}/qr.svg`, alt: `QR code: ${location.origin}/j/${code}`, width: "320", height: "320" }),
          h("div", {}, [
            h("p", { class: "screen-url", text: t("projector.join", { url: location.host }) }),
            h("p", { class: "big-code huge", text: code.replace(/(...)(...)/, "$1 $2") }),
          ]),
        ]),
      );
    }
    if (round) {
      const voted = round.anonymous ? round.voters : Object.values(round.spent).filter((n) => n > 0).length;
      parts.push(
        h("p", { class: "screen-count", "aria-live": "polite" }, [
          h("strong", { text: `${voted} / ${people}` }),
          ` ${t("projector.voted")} · ${round.status === "open" ? t("vote.open") : round.status === "paused" ? t("vote.paused") : t("vote.closed")}`,
        ]),
      );
    }
  }
  root.replaceChildren(...parts);
}

/** @param {string} name */
function initials(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
}
