// @ts-check
// Everything that touches the board's DOM. Notes keep their element between renders (keyed by
// id) so focus and drags survive changes arriving from others. User text is only ever set with
// textContent: never parsed as HTML.
import { t } from "./i18n.js";
import { CHANNELS } from "./protocol.js";
import { cellNotes } from "./state.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Note} Note */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value);
  }
  for (const child of children) el.append(child);
  return el;
}

/**
 * Keep one element per item in ``list``, in the items' order: made once by ``make``, updated
 * by ``fill`` at every render, removed when its item is gone (a card keeps its focus and what is
 * typed in it). ``empty`` is shown while there is no item.
 * @template {{id: string}} T
 * @param {HTMLElement} list @param {Map<string, HTMLElement>} cards @param {T[]} items
 * @param {(item: T) => HTMLElement} make @param {(card: HTMLElement, item: T, index: number) => void} fill
 * @param {string} empty
 */
export function keyedCards(list, cards, items, make, fill, empty) {
  if (!items.length && !list.querySelector(":scope > .hint")) list.replaceChildren(h("p", { class: "hint", text: empty }));
  if (items.length) list.querySelector(":scope > .hint")?.remove();
  items.forEach((item, index) => {
    let card = cards.get(item.id);
    if (!card) {
      card = make(item);
      cards.set(item.id, card);
    }
    if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
    fill(card, item, index);
  });
  const ids = new Set(items.map((i) => i.id));
  for (const [id, card] of cards) {
    if (!ids.has(id)) {
      card.remove();
      cards.delete(id);
    }
  }
}

/** Up to two initials of a display name. @param {string} name */
export function initialsOf(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? "")
    .join("");
}

/** @param {string} kind @param {string} title */
export function laneName(kind, title) {
  if (kind === "custom") return title || t("lane.custom");
  return t(/** @type {any} */ (`lane.${kind}`));
}

/** @param {string} channel */
export function channelName(channel) {
  return t(/** @type {any} */ (`channel.${channel}`));
}

export class BoardView {
  /**
   * @param {HTMLElement} root
   * @param {{
   *   onAdd: (stage: string, lane: string) => void,
   *   onOpen: (noteId: string) => void,
   *   onKeyMove: (noteId: string, key: string, shift: boolean) => void,
   *   onStage: (action: string, stageId: string) => void,
   *   onAddStage: () => void,
   *   onLane: (action: string, laneId: string) => void,
   *   onAddLane: () => void,
   *   onPersona: (personaId: string) => void,
   *   onStageIndex: (index: number) => void,
   *   onMoments: (stageId: string) => void,
   *   switcher: (target: boolean) => HTMLElement,
   * }} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    /** @type {Map<string, HTMLButtonElement>} */
    this.noteEls = new Map();
    /** @type {Map<string, string>} */
    this.rendered = new Map();
    this.structureKey = "";
    this.root.replaceChildren();
    this.tabs = h("nav", { class: "personas", "aria-label": t("personas.label") });
    this.stageNav = h("div", { class: "stage-nav" });
    this.mode = h("div", { class: "journey-mode-box" });
    this.scroller = h("div", { class: "grid-scroll", tabindex: "0", role: "region", "aria-label": t("nav.journeys") });
    this.legend = h("section", { class: "legend", "aria-labelledby": "legend-title" });
    this.root.append(this.tabs, this.mode, this.stageNav, this.scroller, this.legend);
    /** @type {HTMLElement | null} where the curve is drawn inside the grid (null on a phone) */
    this.curveCell = null;
    /** @type {Map<string, HTMLElement>} each stage's rating control, under its column */
    this.ratingCells = new Map();
    /** @type {Map<string, HTMLUListElement>} */
    this.cells = new Map();
    /** @type {Map<string, HTMLButtonElement>} each stage's key-moments button */
    this.markers = new Map();
  }

  /**
   * @param {Workshop} workshop
   * @param {{persona: string, facilitator: boolean, narrow: boolean, stageIndex: number,
   *          pending: Set<string>, me: string, readOnly: boolean, target: boolean,
   *          answered: Set<string>}} view  `target`: the target journey (chosen solutions only,
   *          answered irritants marked)
   */
  render(workshop, view) {
    const visible = view.narrow
      ? workshop.stages.slice(view.stageIndex, view.stageIndex + 1)
      : workshop.stages;
    const key = JSON.stringify([
      view.persona,
      view.facilitator,
      view.readOnly,
      view.narrow,
      view.target,
      visible.map((s) => [s.id, s.title]),
      workshop.stages.length,
      workshop.lanes.map((l) => [l.id, l.kind, l.title]),
      workshop.personas.map((p) => [p.id, p.name, p.emoji]),
      document.documentElement.lang,
    ]);
    if (key !== this.structureKey) {
      this.structureKey = key;
      this.buildTabs(workshop, view.persona);
      this.mode.replaceChildren(this.handlers.switcher(view.target));
      this.buildStageNav(workshop, view);
      // A stage or lane tool that moved its column or row keeps the focus (keyboard users).
      const tool = /** @type {HTMLElement | null} */ (document.activeElement)?.closest?.("[data-action], [data-lane-action]");
      const toolOf = tool?.closest("[data-stage], [data-lane-id]");
      this.buildGrid(workshop, visible, view);
      this.buildLegend();
      if (tool && toolOf) this.refocusTool(/** @type {HTMLElement} */ (tool), /** @type {HTMLElement} */ (toolOf));
    }
    this.placeNotes(workshop, view);
    this.markMoments(workshop, view.persona);
  }

  /** The ★ count on each stage header. @param {Workshop} workshop @param {string} persona */
  markMoments(workshop, persona) {
    for (const [stage, button] of this.markers) {
      const found = Object.values(workshop.moments ?? {}).filter((m) => m.persona === persona && m.stage === stage);
      const title = workshop.stages.find((s) => s.id === stage)?.title ?? "";
      const label = t("moments.marker", { stage: title, n: found.length });
      if (button.getAttribute("aria-label") === label) continue;
      button.setAttribute("aria-label", label);
      button.title = found.map((m) => m.title).join(" · ") || t("moments.none");
      button.textContent = found.length ? `★ ${found.length}` : "☆";
      button.classList.toggle("marked", found.length > 0);
    }
  }

  /** @param {HTMLElement} tool @param {HTMLElement} owner */
  refocusTool(tool, owner) {
    const where = owner.dataset.laneId ? `th[data-lane-id="${CSS.escape(owner.dataset.laneId)}"]` : `th[data-stage="${CSS.escape(owner.dataset.stage ?? "")}"]`;
    const attr = tool.dataset.laneAction ? "data-lane-action" : "data-action";
    const buttons = [...this.scroller.querySelectorAll(`${where} [${attr}]`)].map((b) => /** @type {HTMLButtonElement} */ (b));
    const same = buttons.find((b) => b.getAttribute(attr) === tool.getAttribute(attr));
    (same && !same.disabled ? same : buttons.find((b) => !b.disabled))?.focus();
  }

  /** @param {Workshop} workshop @param {string} current */
  buildTabs(workshop, current) {
    this.tabs.replaceChildren();
    this.tabs.hidden = workshop.personas.length < 2;
    const list = h("div", { class: "tablist" });
    for (const persona of workshop.personas) {
      const tab = h("button", {
        type: "button",
        class: "tab",
        "aria-pressed": String(persona.id === current),
        "data-persona": persona.id,
      });
      tab.append(h("span", { "aria-hidden": "true", text: persona.emoji || "👤" }), " ", persona.name);
      tab.addEventListener("click", () => this.handlers.onPersona(persona.id));
      list.append(tab);
    }
    this.tabs.append(list);
  }

  /** @param {Workshop} workshop @param {{narrow: boolean, stageIndex: number}} view */
  buildStageNav(workshop, view) {
    this.stageNav.replaceChildren();
    this.stageNav.hidden = !view.narrow;
    if (!view.narrow) return;
    const n = workshop.stages.length;
    const prev = h("button", { type: "button", class: "btn icon", "aria-label": t("stage.prev"), text: "‹" });
    const next = h("button", { type: "button", class: "btn icon", "aria-label": t("stage.next"), text: "›" });
    prev.disabled = view.stageIndex <= 0;
    next.disabled = view.stageIndex >= n - 1;
    prev.addEventListener("click", () => this.handlers.onStageIndex(view.stageIndex - 1));
    next.addEventListener("click", () => this.handlers.onStageIndex(view.stageIndex + 1));
    const select = h("select", { "aria-label": t("note.stage"), class: "stage-select" });
    workshop.stages.forEach((stage, i) => {
      const option = h("option", { value: String(i), text: `${i + 1}/${n} · ${stage.title}` });
      if (i === view.stageIndex) option.selected = true;
      select.append(option);
    });
    select.addEventListener("change", () => this.handlers.onStageIndex(Number(select.value)));
    this.stageNav.append(prev, select, next);
  }

  /**
   * @param {Workshop} workshop
   * @param {import("./state.js").Stage[]} stages
   * @param {{persona: string, facilitator: boolean, readOnly: boolean, narrow: boolean, target: boolean}} view
   */
  buildGrid(workshop, stages, view) {
    this.markers.clear();
    const persona = workshop.personas.find((p) => p.id === view.persona);
    const table = h("table", { class: view.target ? "grid target-view" : "grid" });
    table.append(h("caption", { class: "sr-only", text: t("board.grid", { persona: persona?.name ?? "" }) }));
    const headRow = h("tr");
    headRow.append(h("td", { class: "corner" }));
    for (const stage of stages) {
      const index = workshop.stages.findIndex((s) => s.id === stage.id);
      const th = h("th", { scope: "col", class: "stage", "data-stage": stage.id });
      th.append(h("span", { class: "stage-title", text: stage.title }));
      const marker = h("button", { type: "button", class: "btn icon small moment-marker", "data-stage": stage.id, "data-keep": "", text: "☆" });
      marker.addEventListener("click", () => this.handlers.onMoments(stage.id));
      this.markers.set(stage.id, marker);
      th.append(marker);
      if (view.facilitator) {
        const tools = h("span", { class: "stage-tools" });
        const actions = [
          ["rename", "✎", t("stage.rename")],
          ["left", "◀", t("stage.left")],
          ["right", "▶", t("stage.right")],
          ["remove", "✕", t("stage.remove")],
        ];
        for (const [action, icon, label] of actions) {
          const button = h("button", {
            type: "button",
            class: "btn icon small",
            "aria-label": `${label}: ${stage.title}`,
            title: label,
            "data-action": action,
            text: icon,
          });
          if ((action === "left" && index === 0) || (action === "right" && index === workshop.stages.length - 1)) {
            button.disabled = true;
          }
          button.addEventListener("click", () => this.handlers.onStage(action, stage.id));
          tools.append(button);
        }
        th.append(tools);
      }
      headRow.append(th);
    }
    // On a phone the grid shows one stage: "Add a stage" goes under it, with "Add a lane".
    const wide = view.facilitator && !view.narrow;
    const addStage = h("button", { type: "button", class: "btn ghost", id: "add-stage", text: `+ ${t("stage.add")}` });
    addStage.addEventListener("click", () => this.handlers.onAddStage());
    if (wide) headRow.append(h("td", { class: "add-stage" }, [addStage]));
    table.append(h("thead", {}, [headRow]));
    const body = h("tbody");
    this.cells.clear();
    for (const lane of workshop.lanes) {
      const row = h("tr", { "data-lane-kind": lane.kind });
      const laneHead = h("th", { scope: "row", class: `lane lane-${lane.kind}`, "data-lane-id": lane.id }, [h("span", { text: laneName(lane.kind, lane.title) })]);
      if (view.facilitator) {
        // Any lane can move (a "lived experience" lane often goes first); only added ones are renamed or removed.
        const tools = h("span", { class: "lane-tools" });
        const at = workshop.lanes.indexOf(lane);
        const actions = [["up", "▲", t("lane.up")], ["down", "▼", t("lane.down")]];
        if (lane.kind === "custom") actions.push(["rename", "✎", t("lane.rename")], ["remove", "✕", t("lane.remove")]);
        for (const [action, icon, label] of actions) {
          const button = h("button", { type: "button", class: "btn icon small", "aria-label": `${label}: ${laneName(lane.kind, lane.title)}`, title: label, "data-lane-action": action, text: icon });
          button.disabled = (action === "up" && at === 0) || (action === "down" && at === workshop.lanes.length - 1);
          button.addEventListener("click", () => this.handlers.onLane(action, lane.id));
          tools.append(button);
        }
        laneHead.append(tools);
      }
      row.append(laneHead);
      for (const stage of stages) {
        const td = h("td", { class: "cell", "data-stage": stage.id, "data-lane": lane.id });
        const list = h("ul", { class: "notes", "aria-label": `${stage.title}, ${laneName(lane.kind, lane.title)}` });
        const add = h("button", {
          type: "button",
          class: "add-note",
          "aria-label": t("note.add.in", { stage: stage.title, lane: laneName(lane.kind, lane.title) }),
          text: "+",
        });
        add.addEventListener("click", () => this.handlers.onAdd(stage.id, lane.id));
        add.hidden = view.readOnly;
        td.append(list, add);
        this.cells.set(`${stage.id}|${lane.id}`, list);
        row.append(td);
      }
      if (wide) row.append(h("td", { class: "filler" }));
      body.append(row);
    }
    table.append(body);
    // The emotion curve is a row of the journey, drawn under its columns (not on a phone, where
    // one stage shows: there the curve has its own card under the grid).
    this.curveCell = null;
    /** @type {Map<string, HTMLElement>} */
    this.ratingCells = new Map();
    if (!view.narrow) {
      const curveCell = h("td", { class: "curve-cell", colspan: String(stages.length) });
      const curveRow = h("tr", { class: "curve-row" }, [h("th", { scope: "row", class: "lane lane-curve" }, [h("span", { text: t("curve.title") })]), curveCell]);
      const ratingRow = h("tr", { class: "rating-row" }, [h("th", { scope: "row", class: "lane lane-rating" }, [h("span", { text: t(view.target ? "curve.yours.target" : "curve.yours") })])]);
      for (const stage of stages) {
        const cell = h("td", { class: "rating-cell", "data-stage": stage.id });
        this.ratingCells.set(stage.id, cell);
        ratingRow.append(cell);
      }
      if (wide) {
        curveRow.append(h("td", { class: "filler" }));
        ratingRow.append(h("td", { class: "filler" }));
      }
      this.curveCell = curveCell;
      table.append(h("tbody", { class: "curve-body" }, [curveRow, ratingRow]));
    }
    this.scroller.replaceChildren(table);
    if (view.facilitator) {
      const addLane = h("button", { type: "button", class: "btn ghost", id: "add-lane", text: `+ ${t("lane.add")}` });
      addLane.addEventListener("click", () => this.handlers.onAddLane());
      this.scroller.append(h("div", { class: "grid-adds" }, [addLane, ...(wide ? [] : [addStage])]));
    }
    this.rendered.clear();
  }

  buildLegend() {
    this.legend.replaceChildren(h("h2", { id: "legend-title", text: t("legend.title") }));
    const list = h("ul", { class: "legend-list" });
    for (const channel of CHANNELS) {
      list.append(h("li", { class: `chip ch-${channel}` }, [h("span", { class: "swatch", "aria-hidden": "true" }), channelName(channel)]));
    }
    this.legend.append(list);
  }

  /**
   * @param {Workshop} workshop
   * @param {{persona: string, pending: Set<string>, target: boolean, answered: Set<string>}} view
   */
  placeNotes(workshop, view) {
    const focusedId = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.note;
    const alive = new Set();
    const marked = new Set(Object.values(workshop.moments ?? {}).map((m) => m.note));
    const kinds = new Map(workshop.lanes.map((l) => [l.id, l.kind]));
    for (const [key, list] of this.cells) {
      const [stage, lane] = key.split("|");
      // The target journey keeps the chosen solutions only.
      const chosen = (/** @type {Note} */ n) => !view.target || kinds.get(lane) !== "solutions" || n.target;
      const wanted = cellNotes(workshop, view.persona, stage, lane).filter(chosen).map((note) => {
        alive.add(note.id);
        const author = workshop.participants[note.author]?.name ?? "";
        const answered = view.target && view.answered.has(note.id);
        const el = this.noteEl(note, view.pending.has(note.id), author, { moment: marked.has(note.id), answered });
        return /** @type {HTMLLIElement} */ (el.parentElement);
      });
      wanted.forEach((li, i) => {
        if (list.children[i] !== li) list.insertBefore(li, list.children[i] ?? null);
      });
      while (list.children.length > wanted.length) list.lastElementChild?.remove();
    }
    for (const [id, el] of this.noteEls) {
      if (!alive.has(id)) {
        el.parentElement?.remove();
        this.noteEls.delete(id);
        this.rendered.delete(id);
      }
    }
    if (focusedId && this.noteEls.has(focusedId) && document.activeElement !== this.noteEls.get(focusedId)) {
      this.noteEls.get(focusedId)?.focus();
    }
  }

  /** @param {Note} note @param {boolean} pending @param {string} author @param {{moment?: boolean, answered?: boolean}} [marks] */
  noteEl(note, pending, author, { moment = false, answered = false } = {}) {
    let el = this.noteEls.get(note.id);
    if (!el) {
      el = h("button", { type: "button", class: "note", "data-note": note.id });
      const li = h("li", { class: "note-item" }, [el]);
      li.dataset.note = note.id;
      el.addEventListener("click", (event) => {
        if (el?.dataset.dragged === "1") {
          event.preventDefault();
          return;
        }
        this.handlers.onOpen(note.id);
      });
      el.addEventListener("keydown", (event) => {
        if (event.altKey && event.key.startsWith("Arrow")) {
          event.preventDefault();
          this.handlers.onKeyMove(note.id, event.key, event.shiftKey);
        }
      });
      this.noteEls.set(note.id, el);
    }
    const stamp = `${note.version}|${moment}|${pending}|${note.hidden}|${note.votes}|${note.tags?.join()}|${note.target}|${answered}|${author}|${note.channel}|${note.text}`;
    if (this.rendered.get(note.id) !== stamp || el.dataset.lang !== document.documentElement.lang) {
      this.rendered.set(note.id, stamp);
      el.dataset.lang = document.documentElement.lang;
      el.className = `note ch-${note.channel}${pending ? " pending" : ""}${note.hidden ? " hidden-note" : ""}${answered ? " answered" : ""}`;
      const text = note.text || t("note.empty");
      const meta = h("span", { class: "note-meta" }, [h("span", { class: "note-channel", text: channelName(note.channel) })]);
      for (const tag of note.tags ?? []) meta.append(h("span", { class: `tag tag-${tag}`, text: t(/** @type {any} */ (`tag.${tag}`)) }));
      if (moment) meta.append(h("span", { class: "tag key-moment", text: `★ ${t("moments.tag")}` }));
      if (note.target) meta.append(h("span", { class: "tag target", text: `🎯 ${t("target.mark")}` }));
      if (answered) meta.append(h("span", { class: "tag answered", text: `✓ ${t("target.answered")}` }));
      if (note.hidden) meta.append(h("span", { class: "tag private", text: `🔒 ${t("note.hidden")}` }));
      if (note.votes) meta.append(h("span", { class: "tag votes", text: `${"●".repeat(Math.min(note.votes, 5))}${note.votes > 5 ? "+" : ""} ${note.votes}` }));
      if (pending) meta.append(h("span", { class: "tag waiting", text: `⏳ ${t("note.waiting")}` }));
      if (author) meta.append(h("span", { class: "note-author", title: author, "aria-hidden": "true", text: initialsOf(author) }));
      el.replaceChildren(h("span", { class: "note-text", text }), meta);
      const marks = [moment ? t("moments.tag") : "", note.target ? t("target.mark") : "", answered ? t("target.answered") : ""].filter(Boolean);
      el.setAttribute("aria-label", [t("note.aria", { text, channel: channelName(note.channel) }), ...marks].join(", "));
    }
    return el;
  }
}
