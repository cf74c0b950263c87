// @ts-check
// The board page: holds the replica, turns gestures into commands, renders what the server decided.
import { Connection } from "./connection.js";
import { askText, confirmAction, editNote, showInvite } from "./dialogs.js";
import { enableDragAndDrop } from "./dnd.js";
import { readAccess, saveAccess } from "./home.js";
import { errorText, onLangChange, t, tn } from "./i18n.js";
import { CHANNELS, Command, Limits, Message } from "./protocol.js";
import { BoardView, channelName, h, initialsOf, laneName } from "./render.js";
import { applyEntry, cellNotes, currentRound, currentStep, withPending } from "./state.js";
import { AgendaView, sectionOf, StepBar } from "./agenda.js";
import { GroupsView, myGroup, othersWork, walledOff } from "./groups.js";
import { VoteView } from "./vote.js";
import { PersonasView } from "./personas.js";
import { CurveView, heatmap } from "./curve.js";
import { answeredIrritants, journeySwitch, targetTable } from "./target.js";
import { FacilitationView } from "./facilitation.js";
import { showExports } from "./exports.js";
import { RoadmapView } from "./roadmap.js";
import { ScenariosView } from "./scenarios.js";
import { openMoments } from "./moments.js";
import { PlanView } from "./plan.js";
import { renderScreen } from "./screen.js";
import { KeepingBar } from "./history.js";

const SECTIONS = ["agenda", "personas", "journeys", "heatmap", "vote", "roadmap", "scenarios", "plan"];

/** The sections as the navigation shows them: a glyph, and a short label for the phone's bar. */
const NAV = [
  ["agenda", "🗓️"],
  ["personas", "👥"],
  ["journeys", "🗺️"],
  ["heatmap", "📡"],
  ["vote", "🔴"],
  ["roadmap", "🧭"],
  ["scenarios", "✉️"],
  ["plan", "📅"],
];

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
  /** Showing the target journey (and rating its curve) rather than today's. */
  let target = false;
  let lastChannel = "web";
  const narrowQuery = matchMedia("(max-width: 720px)");
  const sectionFromHash = () => {
    const wanted = location.hash.slice(1);
    return SECTIONS.includes(wanted) ? wanted : null;
  };
  /** Where the person chose to be (a link, the URL); null until they do: follow the step. */
  let section = sectionFromHash() ?? "journeys";
  let chosenByUrl = sectionFromHash() !== null;
  /** @type {string | null | undefined} the step last followed (undefined: none yet) */
  let followedStep = undefined;
  /** @type {string | undefined} the group work last followed: on/off, group, persona */
  let followedGroup = undefined;
  /** @type {string | undefined} the group last presented in the tour */
  let followedTour = undefined;
  /** @type {string | undefined} the round state last followed: id and status */
  let followedRound = undefined;
  let wasReadOnly = false;
  /** @type {string | null} */
  let followed = null;
  /** @type {{id: string, name: string, role: string}[]} */
  let online = [];

  const facilitationRoot = h("div", { class: "facilitation" });
  const stepRoot = h("div", { class: "stepbar", id: "stepbar", role: "region", "aria-label": t("step.current") });
  stepRoot.hidden = true;
  const leadRow = h("div", { class: "lead-row" }, [stepRoot, facilitationRoot]);
  const nav = h("nav", { class: "sections", "aria-label": t("nav.label") });
  const agendaRoot = h("div", { class: "section-agenda" });
  const agendaBox = h("div", { class: "agenda-box" });
  const groupsBox = h("div", { class: "groups-box" });
  agendaRoot.append(agendaBox, groupsBox);
  const personasRoot = h("div", { class: "section-personas" });
  const journeyRoot = h("div", { class: "section-journeys" });
  const gridRoot = h("div", { class: "journey-grid" });
  const curveRoot = h("div", { class: "journey-curve" });
  const heatRoot = h("div", { class: "section-heatmap" });
  const groupNote = h("p", { class: "banner info group-note", id: "group-note", role: "status" });
  groupNote.hidden = true;
  journeyRoot.append(groupNote, gridRoot, curveRoot);
  const voteRoot = h("div", { class: "section-vote" });
  const roadmapRoot = h("div", { class: "section-roadmap" });
  const scenariosRoot = h("div", { class: "section-scenarios" });
  const planRoot = h("div", { class: "section-plan" });
  const screenRoot = h("div", { class: "screen" });
  /** @type {Record<string, HTMLElement>} */
  const roots = {
    agenda: agendaRoot,
    personas: personasRoot,
    journeys: journeyRoot,
    heatmap: heatRoot,
    vote: voteRoot,
    roadmap: roadmapRoot,
    scenarios: scenariosRoot,
    plan: planRoot,
  };
  if (mode === "screen") main.replaceChildren(screenRoot);
  else main.replaceChildren(leadRow, nav, ...Object.values(roots));
  for (const root of Object.values(roots)) root.hidden = true;
  /** @param {Record<string, any>} command */
  const send = (command) => {
    const op = connection.send(command);
    render();
    return op;
  };
  const voteView = new VoteView(voteRoot, { send, pending: () => [...connection.outbox.values()] });
  const personasView = new PersonasView(personasRoot, { send, workshop: workshopId, token: access.token, toast });
  const curveView = new CurveView(curveRoot, { send });
  const roadmapView = new RoadmapView(roadmapRoot, { send });
  const scenariosView = new ScenariosView(scenariosRoot, { send });
  const planView = new PlanView(planRoot, { send });
  const agendaView = new AgendaView(agendaBox, { send });
  const groupsView = new GroupsView(groupsBox, {
    send,
    open: (id) => {
      persona = id;
      goTo("journeys", true);
    },
  });
  const stepBar = new StepBar(stepRoot, { send, go: (wanted) => goTo(wanted, true) });
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
    const wanted = sectionFromHash();
    if (!wanted || wanted === section) return;
    section = wanted;
    chosenByUrl = true;
    render();
  });

  /**
   * Show a section. The room's moves (a new step, a vote that opens) call it without focus;
   * "Back to the current step" moves the focus to the section's heading.
   * @param {string} wanted @param {boolean} [focus]
   */
  function goTo(wanted, focus = false) {
    if (wanted !== section) {
      section = wanted;
      history.replaceState(null, "", `#${wanted}`);
    }
    render();
    const lost = !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;
    if (focus || lost) {
      const root = roots[wanted];
      const heading = /** @type {HTMLElement | null} */ (root.querySelector("h2, h3, [tabindex='-1']"));
      const target = heading ?? main;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: false });
    }
  }

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
    onMoments: (stage) => markMoment(stage),
    switcher: (on) => journeySwitch(on, (wanted) => {
      target = wanted;
      render();
      /** @type {HTMLElement | null} */ (gridRoot.querySelector(`[data-journey="${wanted ? "target" : "today"}"]`))?.focus();
    }),
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
    // The server's refusals are said from their code; the outbox's own ("expired") is already
    // in the board's language.
    onRefused: (_command, error) => toast(error.code === "expired" ? error.message : t("note.refused", { reason: errorText(error.code) })),
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
  if (keepingBar) leadRow.append(keepingBar.root); // undo sits on the board's first line, never over it
  /** @type {{id: string, name: string, role: string}[] | null} */
  let shownOnline = null;
  connection.start();
  narrowQuery.addEventListener("change", render);
  onLangChange(() => {
    view.structureKey = "";
    render();
    if (shownOnline) showPresence(shownOnline); // the list is in words too
  });
  const exportButton = /** @type {HTMLButtonElement} */ (document.getElementById("export-btn"));
  exportButton.addEventListener("click", () => showExports(workshopId, access.token, toast));
  const renameWorkshopButton = /** @type {HTMLButtonElement} */ (document.getElementById("rename-workshop-btn"));
  renameWorkshopButton.addEventListener("click", async () => {
    if (!workshop) return;
    const title = await askText(t("workshop.rename"), t("workshop.rename.label"), workshop.title, Limits.WORKSHOP_TITLE_MAX);
    if (title && title !== workshop.title) send({ type: Command.WORKSHOP_RENAME, title });
  });
  async function renameMe() {
    const mine = me && workshop?.participants[me.id];
    if (!mine) return;
    const name = await askText(t("me.rename"), t("me.rename.label"), mine.name, Limits.NAME_MAX);
    if (name && name !== mine.name) send({ type: Command.PARTICIPANT_RENAME, name });
  }
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
        renameWorkshopButton.hidden = me?.role !== "facilitator" || mode === "screen";
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
      case Message.ACK:
        if (planView.acked(message.op_id, message.seq)) render();
        break;
      case Message.PRESENCE:
        online = message.online;
        showPresence(message.online);
        if (mode === "screen") render();
        break;
      case Message.ERROR:
        if (!message.op_id) toast(errorText(message.code));
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
    groupsView.noteActivity(workshop, entry.actor);
    seq = entry.seq;
    // Our own change is in: it stops waiting now, so its prediction and the real note never
    // show side by side (the ack may come a moment later).
    if (entry.op_id) connection.settle(entry.op_id);
    document.documentElement.dataset.seq = String(seq);
    return true;
  }

  function pendingNotes() {
    const ids = new Set();
    for (const command of connection.outbox.values()) {
      if (command.note) ids.add(command.note);
      if (command.type === Command.NOTE_ADD) ids.add(`pending-${command.op_id}`);
    }
    return ids;
  }

  /**
   * Phones follow the room: a new step takes everyone to its section, a vote that opens or
   * closes takes participants to the ballot or the result. Between two moves people roam.
   * @param {Workshop} board @param {boolean} facilitator
   */
  function follow(board, facilitator) {
    const step = currentStep(board);
    if (board.step !== followedStep) {
      const first = followedStep === undefined;
      followedStep = board.step;
      if (step && !(first && chosenByUrl)) section = sectionOf(step);
      if (step && !first) history.replaceState(null, "", `#${section}`);
    }
    const group = myGroup(board, me?.id ?? "");
    const groupKey = JSON.stringify([board.grouped, group?.id ?? null, group?.persona ?? null]);
    if (groupKey !== followedGroup) {
      const first = followedGroup === undefined;
      followedGroup = groupKey;
      // Group work starts (or my group changes): my group's persona; back together: stay.
      if (!facilitator && board.grouped && group?.persona) {
        persona = group.persona;
        if (!first && section !== "journeys" && section !== "personas") section = "journeys";
      }
    }
    // The tour: the presented group's journey, on every phone too.
    const shownGroup = (board.groups ?? []).find((g) => g.id === board.presenting);
    if ((board.presenting ?? "") !== followedTour) {
      const first = followedTour === undefined;
      followedTour = board.presenting ?? "";
      if (!facilitator && !first && shownGroup?.persona) {
        persona = shownGroup.persona;
        section = "journeys";
        history.replaceState(null, "", "#journeys");
      }
    }
    const round = currentRound(board);
    const roundKey = round ? `${round.id}:${round.status === "paused" ? "open" : round.status}` : "";
    if (roundKey !== followedRound) {
      const first = followedRound === undefined;
      followedRound = roundKey;
      if (!facilitator && round && !first && round.status !== "paused") {
        section = "vote";
        history.replaceState(null, "", "#vote");
      }
    }
  }

  function render() {
    if (!workshop) return;
    keepingBar?.render();
    if (mode === "screen") {
      renderScreen(screenRoot, workshop, { code, online });
      return;
    }
    const facilitator = me?.role === "facilitator";
    follow(workshop, facilitator);
    if (!facilitator && workshop.follow && workshop.follow !== followed) {
      persona = workshop.follow; // follow-me: the facilitator's persona tab
      if (section !== "journeys" && section !== "personas") location.hash = "journeys";
    }
    followed = workshop.follow;
    facilitationView.render(workshop, { facilitator });
    stepBar.render(workshop, { facilitator, me: me?.id ?? "", section, online });
    renderNav();
    for (const [name, root] of Object.entries(roots)) root.hidden = name !== section;
    const html = document.documentElement;
    html.dataset.section = section;
    html.dataset.step = workshop.step ?? "";
    const title = /** @type {HTMLElement} */ (document.getElementById("workshop-title"));
    title.textContent = workshop.title;
    document.title = `${workshop.title} · Parcours`;
    const readOnly = workshop.locked && !facilitator;
    html.dataset.locked = String(workshop.locked);
    html.dataset.readonly = String(readOnly);
    if (readOnly !== wasReadOnly) {
      wasReadOnly = readOnly;
      document.dispatchEvent(new CustomEvent("parcours:readonly"));
    }
    renderSection(facilitator, readOnly);
    const reading = section === "journeys" && !facilitator && othersWork(workshop, me?.id ?? "", persona);
    if ((readOnly || reading) && section !== "vote" && section !== "agenda") lockControls(roots[section]);
    if (!readOnly && !reading) unlockControls(main);
  }

  /** @param {boolean} facilitator @param {boolean} readOnly */
  function renderSection(facilitator, readOnly) {
    if (!workshop) return;
    if (section === "agenda") {
      agendaView.render(workshop, { facilitator });
      groupsView.render(workshop, { facilitator, me: me?.id ?? "", online });
      return;
    }
    if (section === "vote") {
      voteView.render(workshop, { me: me?.id ?? "", facilitator, code });
      return;
    }
    if (section === "personas") {
      personasView.render(workshop, { facilitator, locked: workshop.locked });
      return;
    }
    if (section === "heatmap") {
      heatRoot.replaceChildren(heatmap(workshop, [...CHANNELS], channelName), targetTable(workshop));
      return;
    }
    if (section === "roadmap") {
      roadmapView.render(workshop, { me: me?.id ?? "", facilitator });
      return;
    }
    if (section === "scenarios") {
      scenariosView.render(workshop, { facilitator, me: me?.id ?? "" });
      return;
    }
    if (section === "plan") {
      planView.render(workshop, { facilitator, seq });
      return;
    }
    const narrow = narrowQuery.matches;
    stageIndex = Math.max(0, Math.min(stageIndex, workshop.stages.length - 1));
    const shown = withPending(workshop, connection.outbox.values(), me?.id ?? "");
    // During group work another group's journey is there to read, not to change.
    const reading = !facilitator && othersWork(workshop, me?.id ?? "", persona);
    const mine = myGroup(workshop, me?.id ?? "");
    groupNote.hidden = !reading;
    const walled = reading && walledOff(workshop, me?.id ?? "", persona);
    if (reading) groupNote.textContent = t(walled ? "group.walled" : "group.readonly", { persona: workshop.personas.find((p) => p.id === mine?.persona)?.name ?? "" });
    readOnly = readOnly || reading;
    view.render(shown, {
      persona,
      facilitator,
      narrow,
      stageIndex,
      pending: pendingNotes(),
      me: me?.id ?? "",
      readOnly,
      target,
      answered: answeredIrritants(shown, persona),
    });
    curveView.render(workshop, {
      persona,
      me: me?.id ?? "",
      facilitator,
      target,
      stages: narrow ? [workshop.stages[stageIndex]?.id] : workshop.stages.map((s) => s.id),
      slots: view.curveCell ? { chart: view.curveCell, cells: view.ratingCells } : null,
    });
  }

  function renderNav() {
    if (!workshop) return;
    const round = currentRound(workshop);
    const live = round && (round.status === "open" || round.status === "paused");
    const narrow = narrowQuery.matches;
    const key = JSON.stringify([section, live, narrow, document.documentElement.lang]);
    if (nav.dataset.key === key) return;
    nav.dataset.key = key;
    nav.setAttribute("aria-label", t("nav.label"));
    nav.replaceChildren(
      ...NAV.map(([id, glyph]) => {
        // The phone's bottom bar: a glyph and a short word; the desktop's tabs: the whole name.
        const label = narrow
          ? [h("span", { class: "nav-glyph", "aria-hidden": "true", text: glyph }), h("span", { class: "nav-short", text: t(/** @type {any} */ (id === "agenda" ? "nav.agenda" : `nav.short.${id}`)) })]
          : [t(/** @type {any} */ (`nav.${id}`))];
        const link = h("a", { href: `#${id}`, class: "section-link", "data-section": id }, label);
        if (id === section) link.setAttribute("aria-current", "page");
        if (id === "vote" && live && section !== "vote") link.append(h("span", { class: "badge", text: t("vote.open") }));
        return link;
      }),
    );
  }

  /** @param {string} status @param {number} pending @param {boolean} [held] */
  function showStatus(status, pending, held = false) {
    const box = /** @type {HTMLElement} */ (document.getElementById("conn"));
    // Held: the server asked to wait a second; the changes are kept and go again in order.
    const busy = held && status === "online";
    const label = busy ? t("conn.busy") : status === "online" ? t("conn.online") : status === "connecting" ? t("conn.connecting") : t("conn.lost");
    box.replaceChildren(
      h("span", { class: `dot ${busy ? "busy" : status}`, "aria-hidden": "true" }),
      h("span", { class: "conn-label", text: label, title: busy ? t("conn.busy.long") : "" }),
    );
    box.dataset.held = String(busy);
    if (pending) {
      box.append(h("span", { class: "pending-count", title: tn("conn.waiting.long", pending), text: ` · ${tn("conn.waiting", pending)}` }));
    }
    box.dataset.pending = String(pending);
    render();
  }

  /** @param {{id: string, name: string, role: string}[]} online */
  function showPresence(online) {
    shownOnline = online;
    const box = /** @type {HTMLElement} */ (document.getElementById("presence"));
    const list = h("ul", { class: "people-list" });
    for (const person of online) {
      const tags = [person.id === me?.id ? t("presence.you") : "", person.role === "facilitator" ? t("role.facilitator") : ""].filter(Boolean);
      list.append(h("li", {}, [h("span", { class: "avatar", "aria-hidden": "true", text: initialsOf(person.name) }), person.name, tags.length ? ` (${tags.join(", ")})` : ""]));
    }
    // Your own name is changed from the list of who is here (a presence arrives when it has).
    const rename = h("button", { type: "button", class: "btn small", id: "rename-me-btn", text: t("me.rename") });
    rename.addEventListener("click", renameMe);
    rename.hidden = mode === "screen" || !me;
    const details = h("details", { class: "presence-box popover" }, [
      h("summary", { "aria-label": `${t("presence.label")}: ${tn("presence.count", online.length)}`, text: tn("presence.count", online.length) }),
      h("div", { class: "people" }, [list, rename]),
    ]);
    const wasOpen = box.querySelector("details")?.open;
    const hadFocus = document.activeElement?.id === "rename-me-btn";
    if (wasOpen) details.open = true;
    box.replaceChildren(details);
    if (hadFocus) rename.focus();
  }

  /** The key moments of a stage, a note chosen for the next one. @param {string} stage @param {string} [note] */
  function markMoment(stage, note = "") {
    if (!workshop) return;
    const facilitator = me?.role === "facilitator";
    const readOnly = (workshop.locked && !facilitator) || (!facilitator && othersWork(workshop, me?.id ?? "", persona));
    openMoments({ workshop, persona, stage, facilitator, readOnly, note, send: (command) => connection.send(command) });
  }

  /** @param {string} stage @param {string} lane */
  async function addNote(stage, lane) {
    if (!workshop) return;
    const result = await editNote({
      title: t("note.new"),
      draft: { text: "", channel: lastChannel, stage, lane, tags: [], target: false },
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
      tags: result.draft.tags,
    });
  }

  /** @param {string} id */
  async function openNote(id) {
    if (id.startsWith("pending-")) {
      toast(t("note.pending.help"));
      return;
    }
    if (document.documentElement.dataset.readonly === "true") {
      toast(t("locked.reason"));
      return;
    }
    const note = workshop?.notes[id];
    if (!workshop || !note) return;
    const result = await editNote({
      title: t("note.edit"),
      draft: { text: note.text, channel: note.channel, stage: note.stage, lane: note.lane, tags: note.tags ?? [], target: Boolean(note.target) },
      workshop,
      canDelete: true,
    });
    if (!result) return;
    if (result.action === "moment") {
      markMoment(note.stage, id);
      return;
    }
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
    // After the move: only a note of a solutions lane can join the target journey.
    if (draft.target !== Boolean(note.target)) {
      connection.send({ type: Command.NOTE_TARGET, note: id, target: draft.target });
    }
    render();
  }

  /** @param {string} id @param {string} key @param {boolean} shift */
  function keyMove(id, key, shift) {
    if (!workshop) return;
    // From where the note is shown: a move not yet confirmed is where the next one starts.
    const shown = withPending(workshop, connection.outbox.values(), me?.id ?? "");
    const note = shown.notes[id];
    if (!note) return;
    const stages = workshop.stages.map((s) => s.id);
    const lanes = workshop.lanes.map((l) => l.id);
    let stage = note.stage;
    let lane = note.lane;
    const cell = cellNotes(shown, note.persona, note.stage, note.lane).map((n) => n.id);
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
      if (await confirmAction(tn("stage.remove.confirm", inside, { stage: stage.title }), t("stage.remove"))) {
        connection.send({ type: Command.STAGE_REMOVE, stage: id, with_notes: true });
      }
    }
  }

  /** @param {string} action @param {string} id */
  async function laneAction(action, id) {
    const index = workshop?.lanes.findIndex((l) => l.id === id) ?? -1;
    const lane = workshop?.lanes[index];
    if (!workshop || !lane) return;
    if (action === "up" || action === "down") {
      connection.send({ type: Command.LANE_MOVE, lane: id, index: index + (action === "up" ? -1 : 1) });
    } else if (action === "rename") {
      const title = await askText(t("lane.rename"), t("lane.title"), lane.title, Limits.TITLE_MAX);
      if (title && title !== lane.title) connection.send({ type: Command.LANE_RENAME, lane: id, title });
    } else if (action === "remove") {
      const inside = Object.values(workshop.notes).filter((n) => n.lane === id).length;
      if (await confirmAction(tn("lane.remove.confirm", inside, { lane: lane.title }), t("lane.remove"))) {
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
 * While the board is locked, a participant's edit controls in a section are disabled (the
 * ways to look around stay: persona tabs, stage arrows, disclosure).
 * @param {HTMLElement} root
 */
function lockControls(root) {
  for (const el of root.querySelectorAll("input, select, textarea, button")) {
    const control = /** @type {HTMLInputElement} */ (el);
    if (control.closest(".personas, .stage-nav, [data-keep]")) continue;
    if (control.classList.contains("note")) {
      control.setAttribute("aria-disabled", "true");
    } else if (!control.disabled) {
      control.disabled = true;
    } else {
      continue;
    }
    control.dataset.lockOff = "1";
  }
}

/** Give back what lockControls took. @param {HTMLElement} root */
function unlockControls(root) {
  for (const el of root.querySelectorAll("[data-lock-off]")) {
    const control = /** @type {HTMLInputElement} */ (el);
    delete control.dataset.lockOff;
    if (control.classList.contains("note")) control.removeAttribute("aria-disabled");
    else control.disabled = false;
  }
}
