// @ts-check
// The roadmap: solutions become work items, scored by everyone (also from phones), classed by
// the rules of sessions/summary.py (mirrored in classes.js), placed on an impact x effort matrix and on a
// two-year timeline. Every control has a keyboard and thumb path; dragging is a shortcut.
import { confirmAction } from "./dialogs.js";
import { bindField, syncField } from "./fields.js";
import { formatNumber, t, tn } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { CLASSES, CRITERIA, median, position, roadmapClass } from "./classes.js";
import { channelName, h } from "./render.js";

const SVG = "http://www.w3.org/2000/svg";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").RoadmapItem} Item */

/** @param {number} quarter */
function quarterName(quarter) {
  return t("roadmap.quarterName", { year: Math.floor(quarter / 4) + 1, q: (quarter % 4) + 1 });
}

/** @param {string} tag @param {Record<string, string>} attrs */
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}

export class RoadmapView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.built = "";
    this.groupBy = "channel";
    /** @type {Set<string>} */
    this.ticked = new Set();
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
  }

  /** @param {Workshop} workshop @param {{me: string, facilitator: boolean}} ctx */
  render(workshop, ctx) {
    this.workshop = workshop;
    this.ctx = ctx;
    const key = `${ctx.facilitator}|${document.documentElement.lang}`;
    if (this.built !== key) this.build(ctx.facilitator);
    this.renderSolutions(workshop);
    this.renderItems(workshop, ctx);
    this.renderMatrix(workshop, ctx);
    this.renderTimeline(workshop);
    this.renderClassHelp(workshop);
    if (ctx.facilitator) this.renderRules(workshop);
  }

  /** @param {boolean} facilitator */
  build(facilitator) {
    this.built = `${facilitator}|${document.documentElement.lang}`;
    this.cards.clear();
    this.solutions = h("ul", { class: "solution-list" });
    const make = h("button", { type: "button", class: "btn primary", id: "make-item", text: t("roadmap.fromNotes") });
    make.addEventListener("click", () => {
      if (!this.ticked.size) return;
      this.handlers.send({ type: Command.ROADMAP_ADD, notes: [...this.ticked] });
      this.ticked.clear();
    });
    const title = h("input", { type: "text", id: "item-title", maxlength: String(Limits.TITLE_MAX), required: "" });
    const form = h("form", { class: "new-item", id: "item-form" }, [
      h("div", { class: "field" }, [h("label", { for: "item-title", text: t("roadmap.newTitle") }), title]),
      h("button", { type: "submit", class: "btn", text: t("roadmap.create") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      this.handlers.send({ type: Command.ROADMAP_ADD, title: title.value.trim() });
      title.value = "";
    });
    this.items = h("div", { class: "items" });
    this.classHelp = h("details", { class: "card class-help", id: "class-help" });
    this.cover = h("p", { class: "hint warn", id: "class-cover", role: "status", hidden: "" });
    this.matrix = h("section", { class: "card matrix-card", "aria-labelledby": "matrix-title" });
    this.timeline = h("section", { class: "card timeline-card", "aria-labelledby": "timeline-title" });
    this.rules = h("section", { class: "card rules-card", "aria-labelledby": "rules-title" });
    const left = h("div", { class: "roadmap-main" }, [
      h("section", { class: "card", "aria-labelledby": "solutions-title" }, [
        h("h3", { id: "solutions-title", text: t("roadmap.solutions") }),
        h("p", { class: "hint", text: t("roadmap.solutions.help") }),
        this.solutions,
        make,
        h("h3", { text: t("roadmap.new") }),
        form,
      ]),
      this.classHelp,
      this.cover,
      this.items,
    ]);
    const right = h("div", { class: "roadmap-side" }, [this.matrix, this.timeline]);
    if (facilitator) right.append(this.rules);
    this.root.replaceChildren(h("h2", { class: "section-title", text: t("roadmap.title") }), h("div", { class: "roadmap-layout" }, [left, right]));
  }

  /** @param {Workshop} workshop */
  renderSolutions(workshop) {
    const list = /** @type {HTMLElement} */ (this.solutions);
    const lanes = new Set(workshop.lanes.filter((l) => l.kind === "solutions").map((l) => l.id));
    const used = new Set(Object.values(workshop.roadmap).flatMap((i) => i.notes));
    const personas = new Map(workshop.personas.map((p) => [p.id, p.name]));
    const stages = new Map(workshop.stages.map((s) => [s.id, s.title]));
    const notes = Object.values(workshop.notes).filter((n) => lanes.has(n.lane) && !n.hidden);
    const key = JSON.stringify([notes.map((n) => [n.id, n.text, n.version]), [...used], [...this.ticked]]);
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    list.replaceChildren();
    for (const note of notes) {
      const box = h("input", { type: "checkbox", id: `sol-${note.id}`, value: note.id });
      box.checked = this.ticked.has(note.id);
      box.addEventListener("change", () => {
        if (box.checked) this.ticked.add(note.id);
        else this.ticked.delete(note.id);
      });
      const where = `${personas.get(note.persona) ?? ""} · ${stages.get(note.stage) ?? ""}`;
      list.append(h("li", { class: `check solution${used.has(note.id) ? " used" : ""}` }, [
        box,
        h("label", { for: box.id }, [h("span", { text: note.text }), h("small", { class: "hint", text: ` ${where}${used.has(note.id) ? " ✓" : ""}` })]),
      ]));
    }
    if (focused) document.getElementById(focused)?.focus();
  }

  /** @param {Workshop} workshop @param {{me: string, facilitator: boolean}} ctx */
  renderItems(workshop, ctx) {
    const box = /** @type {HTMLElement} */ (this.items);
    const items = Object.values(workshop.roadmap);
    if (!items.length) {
      box.replaceChildren(h("p", { class: "hint", text: t("roadmap.empty") }));
      this.cards.clear();
      return;
    }
    if (box.firstElementChild?.tagName === "P") box.replaceChildren();
    items.forEach((item, index) => {
      let card = this.cards.get(item.id);
      if (!card) {
        card = this.card(item.id, ctx);
        this.cards.set(item.id, card);
      }
      if (box.children[index] !== card) box.insertBefore(card, box.children[index] ?? null);
      this.fill(card, item, index + 1, workshop, ctx);
    });
    for (const [id, card] of this.cards) {
      if (!workshop.roadmap[id]) {
        card.remove();
        this.cards.delete(id);
      }
    }
  }

  /** @param {string} id @param {{facilitator: boolean}} ctx */
  card(id, ctx) {
    const title = h("input", { type: "text", class: "item-title", "data-role": "title", maxlength: String(Limits.TITLE_MAX), "aria-label": t("roadmap.newTitle") });
    bindField(title, (value) => value.trim() && this.handlers.send({ type: Command.ROADMAP_EDIT, item: id, title: value.trim() }));
    const description = h("textarea", { id: `description-${id}`, "data-role": "description", rows: "2", maxlength: String(Limits.SHEET_TEXT_MAX) });
    bindField(description, (value) => this.handlers.send({ type: Command.ROADMAP_EDIT, item: id, description: value }));
    const owner = h("input", { type: "text", id: `owner-${id}`, "data-role": "owner", maxlength: String(Limits.NAME_MAX) });
    bindField(owner, (value) => this.handlers.send({ type: Command.ROADMAP_EDIT, item: id, owner: value }));
    const quarter = h("select", { id: `quarter-${id}`, "data-role": "quarter" });
    quarter.append(h("option", { value: "", text: t("roadmap.unplanned") }));
    for (let q = 0; q < 8; q += 1) quarter.append(h("option", { value: String(q), text: quarterName(q) }));
    quarter.addEventListener("change", () => this.handlers.send({ type: Command.ROADMAP_PLACE, item: id, quarter: quarter.value === "" ? null : Number(quarter.value) }));
    const scores = h("fieldset", { class: "scores" }, [h("legend", { text: t("roadmap.scores") })]);
    for (const criterion of CRITERIA) {
      const select = h("select", { id: `score-${id}-${criterion}`, "data-criterion": criterion });
      select.append(h("option", { value: "", text: t("roadmap.noScore") }));
      for (let v = 1; v <= 5; v += 1) select.append(h("option", { value: String(v), text: String(v) }));
      select.addEventListener("change", () => this.handlers.send({ type: Command.ROADMAP_SCORE, item: id, criterion, value: select.value === "" ? null : Number(select.value) }));
      scores.append(h("div", { class: "score" }, [
        h("label", { for: select.id, text: t(/** @type {any} */ (`criterion.${criterion}`)) }),
        select,
        h("small", { class: "hint", "data-median": criterion }),
      ]));
    }
    const card = h("article", { class: "card item", "data-item": id }, [
      h("header", { class: "item-head" }, [h("span", { class: "item-number", "aria-hidden": "true" }), title, h("span", { class: "class-badge", "data-role": "class" })]),
      h("p", { class: "hint", "data-role": "source" }),
      h("div", { class: "field" }, [h("label", { for: description.id, text: t("roadmap.description") }), description]),
      scores,
      h("div", { class: "row two" }, [
        h("div", { class: "field" }, [h("label", { for: owner.id, text: t("roadmap.owner") }), owner]),
        h("div", { class: "field" }, [h("label", { for: quarter.id, text: t("roadmap.quarter") }), quarter]),
      ]),
    ]);
    if (ctx.facilitator) {
      const override = h("select", { id: `class-${id}`, "data-role": "override" });
      override.append(h("option", { value: "", text: `${t("roadmap.class")}: ${t("roadmap.class.auto")}` }));
      for (const klass of CLASSES) override.append(h("option", { value: klass, text: `${t("roadmap.class")}: ${t(/** @type {any} */ (`class.${klass}`))}` }));
      override.addEventListener("change", () => this.handlers.send({ type: Command.ROADMAP_CLASSIFY, item: id, class: override.value || null }));
      const remove = h("button", { type: "button", class: "btn danger small", text: t("roadmap.remove") });
      remove.addEventListener("click", async () => {
        const item = this.workshop?.roadmap[id];
        if (item && (await confirmAction(t("roadmap.remove.confirm", { title: item.title }), t("roadmap.remove")))) {
          this.handlers.send({ type: Command.ROADMAP_REMOVE, item: id });
        }
      });
      card.append(h("div", { class: "actions" }, [h("label", { for: override.id, class: "sr-only", text: t("roadmap.class") }), override, h("span", { class: "spacer" }), remove]));
    }
    return card;
  }

  /**
   * @param {HTMLElement} card @param {Item} item @param {number} number
   * @param {Workshop} workshop @param {{me: string, facilitator: boolean}} ctx
   */
  fill(card, item, number, workshop, ctx) {
    /** @param {string} role */
    const part = (role) => /** @type {HTMLInputElement} */ (card.querySelector(`[data-role=${role}]`));
    /** @type {HTMLElement} */ (card.querySelector(".item-number")).textContent = String(number);
    syncField(part("title"), item.title);
    syncField(part("owner"), item.owner);
    syncField(part("description"), item.description);
    syncField(part("quarter"), item.quarter === null ? "" : String(item.quarter));
    const override = part("override");
    if (override) syncField(override, item.override ?? "");
    const klass = roadmapClass(item, workshop.rules);
    const badge = part("class");
    badge.className = `class-badge ${klass ?? "none"}`;
    badge.textContent = klass ? `${t(/** @type {any} */ (`class.${klass}`))}${item.override ? " ✋" : ""}` : t(position(item) ? "roadmap.class.low" : "roadmap.class.none");
    badge.title = item.override ? t("roadmap.override") : t("roadmap.class.auto");
    const personas = new Map(workshop.personas.map((p) => [p.id, p.name]));
    const stages = new Map(workshop.stages.map((s) => [s.id, s.title]));
    const source = [personas.get(item.persona), stages.get(item.stage), item.channel ? channelName(item.channel) : ""].filter(Boolean).join(" · ");
    const irritants = item.answers.map((n) => workshop.notes[n]?.text).filter(Boolean);
    part("source").textContent = [source ? t("roadmap.from", { source }) : "", irritants.length ? t("roadmap.answers", { irritants: irritants.join(" / ") }) : ""].filter(Boolean).join(" — ");
    for (const criterion of CRITERIA) {
      const select = /** @type {HTMLSelectElement} */ (card.querySelector(`[data-criterion=${criterion}]`));
      const mine = item.scores[criterion]?.[ctx.me];
      if (document.activeElement !== select) select.value = mine === undefined ? "" : String(mine);
      const values = Object.values(item.scores[criterion] ?? {});
      /** @type {HTMLElement} */ (card.querySelector(`[data-median=${criterion}]`)).textContent = values.length
        ? tn("roadmap.median", values.length, { m: median(values), low: Math.min(...values), high: Math.max(...values) })
        : "";
    }
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  renderMatrix(workshop, ctx) {
    const box = /** @type {HTMLElement} */ (this.matrix);
    const items = Object.values(workshop.roadmap);
    const key = JSON.stringify([items.map((i) => [i.id, position(i), roadmapClass(i, workshop.rules), i.title]), workshop.rules, document.documentElement.lang]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const size = 320;
    const pad = 36;
    const x = (/** @type {number} */ effort) => pad + ((effort - 1) / 4) * (size - 2 * pad);
    const y = (/** @type {number} */ impact) => size - pad - ((impact - 1) / 4) * (size - 2 * pad);
    const chart = svg("svg", { viewBox: `0 0 ${size} ${size}`, class: "matrix", role: "img" });
    const described = items
      .map((item, i) => {
        const placed = position(item);
        return placed ? `${i + 1}. ${item.title}: ${t("roadmap.impact")} ${formatNumber(placed[1])}, ${t("roadmap.effort")} ${formatNumber(placed[0])}` : "";
      })
      .filter(Boolean)
      .join("; ");
    chart.setAttribute("aria-label", `${t("roadmap.matrix")}. ${described}`);
    const sx = x(workshop.rules.light);
    const sy = y(workshop.rules.strong);
    const ry = y(workshop.rules.real);
    chart.append(
      svg("rect", { x: String(pad), y: String(pad), width: String(size - 2 * pad), height: String(size - 2 * pad), class: "frame" }),
      svg("rect", { x: String(pad), y: String(pad), width: String(sx - pad), height: String(sy - pad), class: "zone quick" }),
      svg("rect", { x: String(pad), y: String(ry), width: String(size - 2 * pad), height: String(size - pad - ry), class: "zone weak" }),
    );
    const label = (/** @type {string} */ text, /** @type {number} */ lx, /** @type {number} */ ly, /** @type {string} */ cls) => {
      const el = svg("text", { x: String(lx), y: String(ly), class: cls });
      el.textContent = text;
      return el;
    };
    chart.append(
      label(t("class.quick_win"), pad + 6, pad + 16, "zone-label"),
      label(t("class.nice_to_have"), sx + 6, pad + 16, "zone-label"),
      label(t("roadmap.class.weak"), pad + 6, size - pad - 8, "zone-label"),
      label(`${t("roadmap.effort")} →`, size / 2, size - 8, "axis-label"),
      label(`${t("roadmap.impact")} →`, 10, size / 2, "axis-label vertical"),
    );
    items.forEach((item, i) => {
      const placed = position(item);
      if (!placed) return;
      const klass = roadmapClass(item, workshop.rules) ?? "none";
      const dot = svg("g", { class: `dot ${klass}${ctx.facilitator ? " draggable" : ""}`, "data-item": item.id, transform: `translate(${x(placed[0])} ${y(placed[1])})` });
      dot.append(svg("circle", { r: "12" }));
      const n = svg("text", { "text-anchor": "middle", dy: "4" });
      n.textContent = String(i + 1);
      dot.append(n);
      chart.append(dot);
    });
    if (ctx.facilitator) this.enableMatrixDrag(chart, size, pad);
    box.replaceChildren(h("h3", { id: "matrix-title", text: t("roadmap.matrix") }), h("p", { class: "hint", text: t("roadmap.matrix.help") }), chart);
  }

  /** @param {SVGElement} chart @param {number} size @param {number} pad */
  enableMatrixDrag(chart, size, pad) {
    /** @type {SVGGElement | null} */
    let dragging = null;
    const toValues = (/** @type {PointerEvent} */ event) => {
      const box = chart.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * size;
      const py = ((event.clientY - box.top) / box.height) * size;
      const clamp = (/** @type {number} */ v) => Math.round(Math.min(5, Math.max(1, v)) * 10) / 10;
      return { effort: clamp(1 + ((px - pad) / (size - 2 * pad)) * 4), impact: clamp(1 + ((size - pad - py) / (size - 2 * pad)) * 4), px, py };
    };
    chart.addEventListener("pointerdown", (event) => {
      const target = /** @type {Element} */ (event.target).closest?.("g.dot");
      if (!target) return;
      dragging = /** @type {SVGGElement} */ (target);
      chart.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    chart.addEventListener("pointermove", (event) => {
      if (!dragging) return;
      const { px, py } = toValues(event);
      dragging.setAttribute("transform", `translate(${px} ${py})`);
    });
    chart.addEventListener("pointerup", (event) => {
      if (!dragging) return;
      const { effort, impact } = toValues(event);
      this.handlers.send({ type: Command.ROADMAP_ADJUST, item: dragging.dataset.item, impact, effort });
      dragging = null;
    });
  }

  /** @param {Workshop} workshop */
  renderTimeline(workshop) {
    const box = /** @type {HTMLElement} */ (this.timeline);
    const items = Object.values(workshop.roadmap);
    const key = JSON.stringify([items.map((i) => [i.id, i.title, i.quarter, i.channel, i.owner, roadmapClass(i, workshop.rules)]), this.groupBy, document.documentElement.lang]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    const group = h("select", { id: "timeline-group" }, [
      h("option", { value: "channel", text: t("roadmap.group.channel") }),
      h("option", { value: "owner", text: t("roadmap.group.owner") }),
    ]);
    group.value = this.groupBy;
    group.addEventListener("change", () => {
      this.groupBy = group.value;
      if (this.workshop) this.renderTimeline(this.workshop);
    });
    const keyOf = (/** @type {Item} */ item) => (this.groupBy === "channel" ? item.channel : item.owner.trim());
    const groups = [...new Set(items.map(keyOf))].sort();
    const table = h("table", { class: "timeline" });
    const head = h("tr", {}, [h("th", { scope: "col", text: t(/** @type {any} */ (`roadmap.group.${this.groupBy}`)) })]);
    for (let q = 0; q < 8; q += 1) head.append(h("th", { scope: "col", text: quarterName(q) }));
    head.append(h("th", { scope: "col", text: t("roadmap.unplanned") }));
    table.append(h("thead", {}, [head]));
    const body = h("tbody");
    const numbers = new Map(items.map((item, i) => [item.id, i + 1]));
    for (const name of groups) {
      const row = h("tr", {}, [h("th", { scope: "row", text: name ? (this.groupBy === "channel" ? channelName(name) : name) : t("roadmap.group.none") })]);
      for (let q = 0; q <= 8; q += 1) {
        const cell = h("td", { "data-quarter": q === 8 ? "" : String(q) });
        for (const item of items.filter((i) => keyOf(i) === name && (i.quarter ?? 8) === q)) {
          cell.append(h("span", { class: `chip item-chip ${roadmapClass(item, workshop.rules) ?? "none"}`, "data-item": item.id, text: `${numbers.get(item.id)}. ${item.title}` }));
        }
        row.append(cell);
      }
      body.append(row);
    }
    table.append(body);
    box.replaceChildren(
      h("h3", { id: "timeline-title", text: t("roadmap.timeline") }),
      h("div", { class: "field inline" }, [h("label", { for: "timeline-group", text: t("roadmap.groupBy") }), group]),
      h("div", { class: "grid-scroll", tabindex: "0" }, [table]),
    );
    this.enableTimelineDrag(table);
    if (focused) document.getElementById(focused)?.focus();
  }

  /** Drag chips between quarters (mouse or finger); the quarter select does the same by keyboard. @param {HTMLElement} table */
  enableTimelineDrag(table) {
    /** @type {HTMLElement | null} */
    let chip = null;
    table.addEventListener("pointerdown", (event) => {
      chip = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest?.(".item-chip"));
      if (chip) {
        chip.classList.add("dragging");
        table.setPointerCapture(event.pointerId);
      }
    });
    table.addEventListener("pointerup", (event) => {
      if (!chip) return;
      chip.classList.remove("dragging");
      const under = document.elementFromPoint(event.clientX, event.clientY)?.closest("td[data-quarter]");
      const quarter = /** @type {HTMLElement | null} */ (under)?.dataset.quarter;
      if (quarter !== undefined && under !== chip.parentElement) {
        this.handlers.send({ type: Command.ROADMAP_PLACE, item: chip.dataset.item, quarter: quarter === "" ? null : Number(quarter) });
      }
      chip = null;
    });
  }

  /** The four classes in the method's words, with this workshop's lines. @param {Workshop} workshop */
  renderClassHelp(workshop) {
    const box = /** @type {HTMLElement} */ (this.classHelp);
    // The method plans waows once the must-haves are covered: say so while some are not planned.
    const items = Object.values(workshop.roadmap);
    const waows = items.filter((i) => roadmapClass(i, workshop.rules) === "waow").length;
    const open = items.filter((i) => roadmapClass(i, workshop.rules) === "must_have" && i.quarter === null).length;
    const key = JSON.stringify([workshop.rules, document.documentElement.lang, waows && open]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    const lines = Object.fromEntries(Object.entries(workshop.rules).map(([name, value]) => [name, formatNumber(value)]));
    const cover = /** @type {HTMLElement} */ (this.cover);
    cover.textContent = waows && open ? tn("roadmap.classes.cover", open) : "";
    cover.hidden = !(waows && open);
    box.replaceChildren(
      h("summary", { text: t("roadmap.classes") }),
      h("ul", { class: "class-rules" }, [
        ...CLASSES.map((klass) => h("li", { class: `class-rule ${klass}`, "data-class": klass, text: t(/** @type {any} */ (`roadmap.classes.${klass}`), lines) })),
        h("li", { class: "class-rule none", text: t("roadmap.classes.none", lines) }),
      ]),
      h("p", { class: "hint", text: t("roadmap.classes.effort") }),
    );
  }

  /** @param {Workshop} workshop */
  renderRules(workshop) {
    const box = /** @type {HTMLElement} */ (this.rules);
    const key = JSON.stringify([workshop.rules, document.documentElement.lang]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    /** @param {string} id @param {number} value */
    const number = (id, value) => h("input", { type: "number", id, min: "1", max: "5", step: "0.5", value: String(value), inputmode: "decimal" });
    const strong = number("rule-strong", workshop.rules.strong);
    const light = number("rule-light", workshop.rules.light);
    const expected = number("rule-expected", workshop.rules.expected);
    const real = number("rule-real", workshop.rules.real);
    const buzz = number("rule-buzz", workshop.rules.buzz);
    const problem = h("p", { class: "hint error", role: "alert", id: "rules-problem" });
    const fields = /** @type {[HTMLInputElement, string][]} */ ([[strong, "strong"], [light, "light"], [expected, "expected"], [real, "real"], [buzz, "buzz"]]);
    const form = h("form", {}, [
      ...fields.map(([input, name]) => h("div", { class: "field" }, [h("label", { for: input.id, text: t(/** @type {any} */ (`roadmap.rules.${name}`)) }), input])),
      problem,
      h("button", { type: "submit", class: "btn", text: t("roadmap.rules.save") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (Number(real.value) > Number(strong.value)) {
        problem.textContent = t("roadmap.rules.order");
        return;
      }
      problem.textContent = "";
      this.handlers.send({ type: Command.RULES_SET, ...Object.fromEntries(fields.map(([input, name]) => [name, Number(input.value)])) });
    });
    box.replaceChildren(
      h("h3", { id: "rules-title", text: t("roadmap.rules") }),
      h("p", { class: "hint", text: t("roadmap.rules.text", workshop.rules) }),
      form,
    );
  }
}
