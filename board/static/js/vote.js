// @ts-check
// The objectives and dot-voting section: thumb-sized voting for everyone, and the facilitator's
// controls (objectives, rounds, participation, proxies). Forms are built once; the lists below
// them are rebuilt on every change, keeping focus on the same control.
import { askFields, askText, confirmAction } from "./dialogs.js";
import { formatNumber, t, tn } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";
import { currentRound, itemTitle } from "./state.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").VoteRound} VoteRound */

/**
 * @typedef {{
 *   send: (command: Record<string, any>) => string,
 *   pending: () => Record<string, any>[],
 * }} VoteHandlers
 */

export class VoteView {
  /** @param {HTMLElement} root @param {VoteHandlers} handlers */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.proxy = "";
    this.built = "";
    /** @type {HTMLElement | null} */
    this.byGroupField = null;
    this.timer = window.setInterval(() => this.tick(), 1000);
  }

  /** @param {Workshop} workshop @param {{me: string, facilitator: boolean, code: string | null}} ctx */
  render(workshop, ctx) {
    this.workshop = workshop;
    this.ctx = ctx;
    const key = `${ctx.facilitator}|${document.documentElement.lang}`;
    if (this.built !== key) this.build(ctx.facilitator);
    const focusKey = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.key;
    this.renderBallot(workshop, ctx);
    if (ctx.facilitator) this.renderControls(workshop, ctx);
    this.renderHistory(workshop);
    if (focusKey) /** @type {HTMLElement | null} */ (this.root.querySelector(`[data-key="${CSS.escape(focusKey)}"]`))?.focus();
  }

  /** @param {boolean} facilitator */
  build(facilitator) {
    this.built = `${facilitator}|${document.documentElement.lang}`;
    this.ballot = h("section", { class: "ballot card", "aria-labelledby": "ballot-title" });
    this.controls = h("div", { class: "vote-controls" });
    this.history = h("section", { class: "history" });
    const main = h("div", { class: "vote-main" }, [this.ballot, this.controls, this.history]);
    const parts = [h("h2", { class: "section-title", text: t("vote.title") }), main];
    if (facilitator) parts.push(h("div", { class: "vote-side" }, [this.objectivesForm(), this.roundForm()]));
    this.root.replaceChildren(...parts);
    this.root.classList.toggle("with-side", facilitator);
  }

  // -- the ballot: what everyone sees -------------------------------------------------------

  /** @param {Workshop} workshop @param {{me: string, facilitator: boolean}} ctx */
  renderBallot(workshop, ctx) {
    const ballot = /** @type {HTMLElement} */ (this.ballot);
    const round = currentRound(workshop);
    // Under the section's own title: the round's name, or what the card is while none is open.
    const title = h("h3", { id: "ballot-title", text: round ? round.title || t("vote.title") : t("vote.ballot") });
    if (!round) {
      ballot.replaceChildren(title, h("p", { class: "hint", text: t("vote.none") }));
      return;
    }
    if (round.status === "revealed") {
      ballot.replaceChildren(title, h("p", { class: "vote-status", text: t("vote.revealed") }), results(workshop, round));
      return;
    }
    const voter = ctx.facilitator && this.proxy ? this.proxy : ctx.me;
    const canVote = !ctx.facilitator || round.facilitator_votes || Boolean(this.proxy);
    const mine = this.effectiveDots(round, voter);
    const used = Object.values(mine).reduce((a, b) => a + b, 0);
    const pending = this.pendingFor(round.id, voter).length;
    const saved = round.spent[voter] ?? 0;
    const statusText = round.status === "open" ? t("vote.open") : round.status === "paused" ? t("vote.paused") : t("vote.closed");
    const status = h("p", { class: "vote-status" }, [
      h("span", { text: statusText }),
      h("span", { class: "timer", "data-ends": String(round.ends_at ?? "") }),
    ]);
    ballot.replaceChildren(title, status);
    if (canVote) {
      ballot.append(
        h("p", { class: "dots-left", "aria-live": "polite" }, [
          h("strong", { text: tn("vote.left", round.budget - used, { budget: round.budget }) }),
          " · ",
          h("span", { class: pending ? "saving" : "saved", text: pending ? t("vote.saving") : tn("vote.saved", saved, { budget: round.budget }) }),
        ]),
      );
    }
    const open = round.status === "open" && !(round.ends_at && Date.now() / 1000 > round.ends_at);
    const list = h("ul", { class: "vote-items" });
    for (const item of round.items) {
      const name = itemTitle(workshop, item);
      const row = (workshop.plan ?? []).find((r) => r.id === item);
      const objective = workshop.objectives.find((o) => o.id === (row ? row.objective : item));
      const count = mine[item] ?? 0;
      const minus = h("button", { type: "button", class: "btn vote-btn", "data-key": `minus-${item}`, "aria-label": t("vote.remove", { item: name }), text: "−" });
      const plus = h("button", { type: "button", class: "btn vote-btn primary", "data-key": `plus-${item}`, "aria-label": t("vote.add", { item: name }), text: "+" });
      minus.disabled = !canVote || !open || count <= 0;
      plus.disabled = !canVote || !open || used >= round.budget || count >= round.per_item;
      minus.addEventListener("click", () => this.dot(round, item, voter, Command.DOT_REMOVE));
      plus.addEventListener("click", () => this.dot(round, item, voter, Command.DOT_ADD));
      const pips = h("span", { class: "pips", "aria-label": tn("vote.dots", count), role: "img" });
      pips.textContent = "●".repeat(count) || "○";
      const body = h("div", { class: "vote-item-body" }, [h("span", { class: "vote-item-title", text: name })]);
      if (objective?.kpis) body.append(h("span", { class: "vote-item-sub", text: objective.kpis }));
      list.append(h("li", { class: `vote-item${count ? " chosen" : ""}` }, [body, pips, h("span", { class: "vote-buttons" }, [minus, plus])]));
    }
    ballot.append(list);
    this.tick();
  }

  /** @param {string} roundId @param {string} voter */
  pendingFor(roundId, voter) {
    return this.handlers.pending().filter(
      (c) => (c.type === Command.DOT_ADD || c.type === Command.DOT_REMOVE) && c.round === roundId && (c.proxy ?? this.ctx?.me) === voter,
    );
  }

  /** Server dots plus the taps not confirmed yet. @param {VoteRound} round @param {string} voter */
  effectiveDots(round, voter) {
    const mine = { ...(round.dots[voter] ?? {}) };
    for (const c of this.pendingFor(round.id, voter)) {
      mine[c.item] = (mine[c.item] ?? 0) + (c.type === Command.DOT_ADD ? 1 : -1);
    }
    return mine;
  }

  /** @param {VoteRound} round @param {string} item @param {string} voter @param {string} type */
  dot(round, item, voter, type) {
    /** @type {Record<string, any>} */
    const command = { type, round: round.id, item };
    if (voter !== this.ctx?.me) command.proxy = voter;
    this.handlers.send(command);
  }

  tick() {
    for (const el of this.root.querySelectorAll(".timer")) {
      const ends = Number(/** @type {HTMLElement} */ (el).dataset.ends);
      if (!ends) {
        el.textContent = "";
        continue;
      }
      const left = Math.max(0, Math.round(ends - Date.now() / 1000));
      el.textContent = left > 0
        ? ` · ${t("vote.time", { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` })}`
        : ` · ${t("vote.timeup")}`;
    }
  }

  // -- the facilitator ----------------------------------------------------------------------

  /** @param {Workshop} workshop @param {{me: string, code: string | null}} ctx */
  renderControls(workshop, ctx) {
    const box = /** @type {HTMLElement} */ (this.controls);
    const round = currentRound(workshop);
    const parts = [];
    if (round && round.status !== "revealed") {
      const people = Object.values(workshop.participants).filter((p) => p.role !== "facilitator");
      const voted = round.anonymous ? round.voters : people.filter((p) => (round.spent[p.id] ?? 0) > 0).length;
      const card = h("section", { class: "card", "aria-labelledby": "round-ctl" }, [
        h("h3", { id: "round-ctl", text: tn("vote.participation", voted, { total: people.length }) }),
      ]);
      if (!round.anonymous) {
        const waiting = people.filter((p) => !(round.spent[p.id] > 0)).map((p) => p.name);
        card.append(h("p", { class: "hint", text: waiting.length ? t("vote.waiting", { names: waiting.join(", ") }) : t("vote.everyone") }));
      }
      if (round.hidden) card.append(h("p", { class: "hint", text: t("vote.hidden.note") }));
      const buttons = h("div", { class: "actions" });
      /** @type {[string, string, boolean][]} */
      const actions = [
        ["pause", t("round.pause"), round.status === "open"],
        ["resume", t("round.resume"), round.status === "paused"],
        ["close", t("round.close"), round.status === "open" || round.status === "paused"],
        ["reveal", t("round.reveal"), true],
        ["restart", t("round.restart"), true],
      ];
      for (const [action, label, shown] of actions) {
        if (!shown) continue;
        const button = h("button", { type: "button", class: `btn${action === "reveal" ? " primary" : ""}`, "data-key": `round-${action}`, "data-round-action": action, text: label });
        button.addEventListener("click", async () => {
          if (action === "restart" && !(await confirmAction(t("round.restart.confirm"), t("round.restart")))) return;
          this.handlers.send({ type: Command.ROUND_SET, round: round.id, action });
        });
        buttons.append(button);
      }
      const projector = h("a", { class: "btn", href: `${location.pathname.replace(/\/$/, "")}/screen`, target: "_blank", rel: "noopener", text: t("round.projector") });
      buttons.append(projector);
      card.append(buttons, this.proxyPicker(workshop));
      parts.push(card);
    }
    box.replaceChildren(...parts);
    this.renderObjectives(workshop);
    const start = /** @type {HTMLButtonElement | null} */ (this.root.querySelector("#round-start"));
    if (start) start.disabled = Boolean(round && (round.status === "open" || round.status === "paused"));
    const on = /** @type {HTMLSelectElement | null} */ (this.root.querySelector("#round-on"));
    if (on) fillTargets(on, workshop);
    if (this.byGroupField) this.byGroupField.hidden = !(workshop.groups ?? []).length;
  }

  /** @param {Workshop} workshop */
  proxyPicker(workshop) {
    const select = h("select", { id: "proxy-who", "data-key": "proxy-who" });
    select.append(h("option", { value: "", text: "—" }));
    for (const person of Object.values(workshop.participants)) {
      if (person.role === "facilitator") continue;
      const option = h("option", { value: person.id, text: person.name });
      option.selected = person.id === this.proxy;
      select.append(option);
    }
    select.addEventListener("change", () => {
      this.proxy = select.value;
      if (this.workshop && this.ctx) this.render(this.workshop, this.ctx);
    });
    const add = h("button", { type: "button", class: "btn", "data-key": "proxy-add", text: t("proxy.add") });
    add.addEventListener("click", async () => {
      const name = await askText(t("proxy.add"), t("proxy.name"), "", Limits.NAME_MAX);
      if (name) this.handlers.send({ type: Command.PARTICIPANT_ADD, name });
    });
    return h("fieldset", { class: "proxy" }, [
      h("legend", { text: t("proxy.title") }),
      h("div", { class: "field inline" }, [h("label", { for: "proxy-who", text: t("proxy.who") }), select, add]),
    ]);
  }

  objectivesForm() {
    const title = h("input", { type: "text", id: "objective-title", required: "", maxlength: String(Limits.TITLE_MAX) });
    const description = h("textarea", { id: "objective-description", rows: "2", maxlength: String(Limits.NOTE_TEXT_MAX) });
    const kpis = h("input", { type: "text", id: "objective-kpis", maxlength: String(Limits.NOTE_TEXT_MAX) });
    const form = h("form", { class: "card", id: "objective-form", "aria-labelledby": "objectives-title" }, [
      h("h3", { id: "objectives-title", text: t("objectives.title") }),
      h("ul", { class: "objectives", id: "objective-list" }),
      h("div", { class: "field" }, [h("label", { for: "objective-title", text: t("objectives.name") }), title]),
      h("div", { class: "field" }, [h("label", { for: "objective-description", text: t("objectives.description") }), description]),
      h("div", { class: "field" }, [h("label", { for: "objective-kpis", text: t("objectives.kpis") }), kpis]),
      h("button", { type: "submit", class: "btn", text: t("objectives.add") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      this.handlers.send({ type: Command.OBJECTIVE_ADD, title: title.value.trim(), description: description.value, kpis: kpis.value });
      form.reset();
      title.focus();
    });
    return form;
  }

  /** @param {Workshop} workshop */
  renderObjectives(workshop) {
    const list = this.root.querySelector("#objective-list");
    if (!list) return;
    list.replaceChildren();
    if (!workshop.objectives.length) list.append(h("li", { class: "hint", text: t("objectives.empty") }));
    for (const objective of workshop.objectives) {
      const edit = h("button", { type: "button", class: "btn icon small", "data-key": `edit-${objective.id}`, "aria-label": `${t("objectives.edit")}: ${objective.title}`, text: "✎" });
      edit.addEventListener("click", async () => {
        const values = await askFields(t("objectives.edit"), [
          { name: "title", label: t("objectives.name"), value: objective.title, max: Limits.TITLE_MAX, required: true },
          { name: "description", label: t("objectives.description"), value: objective.description, max: Limits.NOTE_TEXT_MAX, rows: 3 },
          { name: "kpis", label: t("objectives.kpis"), value: objective.kpis, max: Limits.NOTE_TEXT_MAX, rows: 2 },
        ]);
        if (!values) return;
        const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) => value !== objective[/** @type {"title" | "description" | "kpis"} */ (name)]));
        if (Object.keys(changed).length) this.handlers.send({ type: Command.OBJECTIVE_EDIT, objective: objective.id, ...changed });
      });
      const remove = h("button", { type: "button", class: "btn icon small", "data-key": `remove-${objective.id}`, "aria-label": `${t("objectives.remove")}: ${objective.title}`, text: "✕" });
      remove.addEventListener("click", async () => {
        if (await confirmAction(t("objectives.remove.confirm", { title: objective.title }), t("objectives.remove"))) {
          this.handlers.send({ type: Command.OBJECTIVE_REMOVE, objective: objective.id });
        }
      });
      const text = h("span", { class: "objective-text" }, [h("strong", { text: objective.title })]);
      if (objective.description) text.append(h("span", { class: "vote-item-sub objective-description", text: objective.description }));
      if (objective.kpis) text.append(h("span", { class: "vote-item-sub", text: objective.kpis }));
      list.append(h("li", { class: "objective" }, [text, edit, remove]));
    }
  }

  roundForm() {
    const check = (/** @type {HTMLInputElement} */ box, /** @type {string} */ label) =>
      h("div", { class: "check" }, [box, h("label", { for: box.id, text: label })]);
    const on = h("select", { id: "round-on" });
    const budget = numberInput("round-budget", 3, 1, 20);
    const perItem = numberInput("round-per-item", 1, 1, 20);
    const hidden = h("input", { type: "checkbox", id: "round-hidden", checked: "" });
    const anonymous = h("input", { type: "checkbox", id: "round-anonymous" });
    const mine = h("input", { type: "checkbox", id: "round-mine" });
    const byGroup = h("input", { type: "checkbox", id: "round-by-group" });
    const byGroupField = check(byGroup, t("round.byGroup"));
    byGroupField.hidden = !(this.workshop?.groups ?? []).length;
    this.byGroupField = byGroupField;
    const seconds = h("select", { id: "round-seconds" });
    seconds.append(h("option", { value: "", text: t("round.noTimer") }));
    for (const minutes of [1, 2, 3, 5, 10]) seconds.append(h("option", { value: String(minutes * 60), text: t("round.minutes", { n: minutes }) }));
    const form = h("form", { class: "card", id: "round-form", "aria-labelledby": "round-form-title" }, [
      h("h3", { id: "round-form-title", text: t("round.start") }),
      h("div", { class: "field" }, [h("label", { for: "round-on", text: t("round.on") }), on]),
      h("div", { class: "row two" }, [
        h("div", { class: "field" }, [h("label", { for: "round-budget", text: t("round.budget") }), budget]),
        h("div", { class: "field" }, [h("label", { for: "round-per-item", text: t("round.perItem") }), perItem]),
      ]),
      check(hidden, t("round.hidden")),
      check(anonymous, t("round.anonymous")),
      check(mine, t("round.facilitatorVotes")),
      byGroupField,
      h("div", { class: "field" }, [h("label", { for: "round-seconds", text: t("round.seconds") }), seconds]),
      h("button", { type: "submit", class: "btn primary", id: "round-start", text: t("round.start") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const workshop = this.workshop;
      if (!workshop) return;
      /** @type {string[]} */
      let items = [];
      if (on.value.startsWith("solutions:")) {
        const persona = on.value.slice("solutions:".length);
        const lanes = new Set(workshop.lanes.filter((l) => l.kind === "solutions").map((l) => l.id));
        items = Object.values(workshop.notes).filter((n) => lanes.has(n.lane) && (!persona || n.persona === persona)).map((n) => n.id);
      }
      if (on.value === "plan") items = (workshop.plan ?? []).slice(0, Limits.MAX_ROUND_ITEMS).map((r) => r.id);
      this.handlers.send({
        type: Command.ROUND_START,
        items,
        title: on.selectedOptions[0]?.textContent ?? "",
        budget: Number(budget.value),
        per_item: Number(perItem.value),
        hidden: hidden.checked,
        anonymous: anonymous.checked,
        facilitator_votes: mine.checked,
        seconds: seconds.value ? Number(seconds.value) : null,
        by_group: byGroup.checked && !byGroupField.hidden,
      });
    });
    return form;
  }

  /** @param {Workshop} workshop */
  renderHistory(workshop) {
    const box = /** @type {HTMLElement} */ (this.history);
    const done = workshop.rounds.filter((r) => r.status === "revealed");
    const current = currentRound(workshop);
    const earlier = done.filter((r) => r !== current);
    box.replaceChildren();
    if (!earlier.length) return;
    box.append(h("h3", { text: t("vote.history") }));
    for (const round of earlier.reverse()) {
      box.append(h("section", { class: "card" }, [h("h4", { text: round.title || t("vote.title") }), results(workshop, round)]));
    }
  }
}

/**
 * The ranked result and, for a round counted per group, the groups' results side by side: one
 * row per item (in the room's order), one column per group, each cell the group's dots and rank.
 * @param {Workshop} workshop @param {VoteRound} round
 */
export function results(workshop, round) {
  const list = roomResults(workshop, round);
  if (!round.groups?.length) return list;
  return h("div", { class: "results-all" }, [list, groupResults(workshop, round)]);
}

/** @param {Workshop} workshop @param {VoteRound} round */
export function groupResults(workshop, round) {
  const groups = round.groups ?? [];
  const label = (/** @type {import("./state.js").GroupResult} */ g) => g.name || t("group.default", { n: g.number });
  const head = h("tr", {}, [h("th", { scope: "col", text: t("vote.item") }), ...groups.map((g) => h("th", { scope: "col", text: label(g) }))]);
  const rows = (round.result ?? []).map((tally) =>
    h("tr", {}, [
      h("th", { scope: "row", text: itemTitle(workshop, tally.item) }),
      ...groups.map((g) => {
        if (g.withheld) return h("td", { class: "withheld", text: "—" });
        const mine = g.result.find((r) => r.item === tally.item);
        const first = mine && mine.dots > 0 && mine.rank === 1;
        return h("td", { class: first ? "first-choice" : "" }, [
          h("span", { text: mine ? formatNumber(mine.dots) : "0" }),
          mine && mine.dots > 0 ? h("span", { class: "vote-item-sub", text: t("vote.rank", { rank: mine.rank }) }) : "",
        ]);
      }),
    ]),
  );
  const foot = h("tr", {}, [h("th", { scope: "row", text: t("vote.voters") }), ...groups.map((g) => h("td", { text: formatNumber(g.voters) }))]);
  const withheld = groups.some((g) => g.withheld) ? h("p", { class: "hint", text: t("vote.groupWithheld") }) : "";
  return h("figure", { class: "group-results" }, [
    h("figcaption", { text: t("vote.byGroup") }),
    h("div", { class: "group-results-scroll", tabindex: "0", role: "region", "aria-label": t("vote.byGroup") }, [
      h("table", { class: "group-results-table" }, [h("thead", {}, [head]), h("tbody", {}, [...rows, foot])]),
    ]),
    withheld,
  ]);
}

/** @param {Workshop} workshop @param {VoteRound} round */
function roomResults(workshop, round) {
  const list = h("ol", { class: "results" });
  const top = Math.max(1, ...(round.result ?? []).map((r) => r.dots));
  const ranks = new Map();
  for (const tally of round.result ?? []) ranks.set(tally.rank, (ranks.get(tally.rank) ?? 0) + 1);
  for (const tally of round.result ?? []) {
    const tie = ranks.get(tally.rank) > 1;
    const bar = h("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = `${(100 * tally.dots) / top}%`;
    list.append(
      h("li", { class: "result" }, [
        h("span", { class: "rank", text: `${t("vote.rank", { rank: tally.rank })}${tie ? ` (${t("vote.tie")})` : ""}` }),
        h("span", { class: "result-title", text: itemTitle(workshop, tally.item) }),
        h("span", { class: "result-dots", text: tn("vote.dots", tally.dots) }),
        h("span", { class: "bar-track" }, [bar]),
      ]),
    );
  }
  return list;
}

/** @param {HTMLSelectElement} select @param {Workshop} workshop */
function fillTargets(select, workshop) {
  const wanted = [["objectives", t("round.on.objectives")]];
  for (const persona of workshop.personas) wanted.push([`solutions:${persona.id}`, t("round.on.solutions", { persona: persona.name })]);
  if (workshop.personas.length > 1) wanted.push(["solutions:", t("round.on.allsolutions")]);
  if ((workshop.plan ?? []).length) wanted.push(["plan", t("round.on.plan")]);
  const now = [...select.options].map((o) => `${o.value}|${o.textContent}`).join(",");
  if (now === wanted.map(([v, l]) => `${v}|${l}`).join(",")) return;
  const chosen = select.value;
  select.replaceChildren(...wanted.map(([value, label]) => h("option", { value, text: label })));
  if (wanted.some(([v]) => v === chosen)) select.value = chosen;
}

/** @param {string} id @param {number} value @param {number} min @param {number} max */
function numberInput(id, value, min, max) {
  const input = h("input", { type: "number", id, min: String(min), max: String(max), value: String(value), inputmode: "numeric" });
  return input;
}
