// @ts-check
// The annual animation plan: one card per marketing action (what, for whom, on which channels,
// when, how often, for which objective), and a 12-month calendar of the same rows. The
// facilitator drafts it from the board and puts it to the vote; the room edits each card.
import { confirmAction } from "./dialogs.js";
import { bindField, syncField } from "./fields.js";
import { currentLang, t, tn } from "./i18n.js";
import { CHANNELS, Command, Limits } from "./protocol.js";
import { channelName, h, keyedCards } from "./render.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").PlanRow} PlanRow */

const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const TEXTS = /** @type {const} */ (["title", "segment", "frequency", "trigger", "owner", "content", "kpis"]);

/** A month's short and full names in the board's language. @param {number} month */
export function monthName(month, style = /** @type {"short" | "long"} */ ("short")) {
  return new Intl.DateTimeFormat(currentLang(), { month: style, timeZone: "UTC" }).format(new Date(Date.UTC(2027, month - 1, 1)));
}

/** Who a row is for: its persona's name and its segment. @param {Workshop} workshop @param {PlanRow} row */
export function targetOf(workshop, row) {
  const persona = workshop.personas.find((p) => p.id === row.persona)?.name ?? "";
  return [persona, row.segment].filter(Boolean).join(" · ") || t("plan.target.none");
}

export class PlanView {
  /** @param {HTMLElement} root @param {{send: (command: Record<string, any>) => string}} handlers */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.built = "";
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
    this.mode = "rows";
    /** @type {{op: string, before: number, seq: number | null} | null} the draft under way:
     * its op id, the rows before it, and once acknowledged the seq the room had then */
    this.drafting = null;
    /** @type {Workshop | null} */
    this.current = null;
    /** @type {{facilitator: boolean, seq: number} | null} */
    this.ctx = null;
  }

  /** Whether the acknowledged op is the draft under way (then render to say what it added).
   * @param {string} op @param {number} seq */
  acked(op, seq) {
    if (this.drafting?.op !== op) return false;
    this.drafting.seq = seq;
    return true;
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean, seq: number}} ctx */
  render(workshop, ctx) {
    this.current = workshop;
    this.ctx = ctx;
    const rows = workshop.plan ?? [];
    const key = [ctx.facilitator, currentLang(), workshop.personas.map((p) => p.id + p.name), workshop.objectives.map((o) => o.id + o.title)].join("|");
    if (this.built !== key) {
      this.built = key;
      this.cards.clear();
      this.list = h("div", { class: "plan-cards", id: "plan-rows" });
      this.calendar = h("div", { class: "plan-calendar", id: "plan-calendar", role: "region", tabindex: "0", "aria-label": t("plan.calendar") });
      this.status = h("p", { class: "hint", id: "plan-status", role: "status" });
      this.root.replaceChildren(
        h("h2", { class: "section-title", text: t("plan.title") }),
        h("p", { class: "hint", text: t("plan.help") }),
        this.toolbar(ctx),
        this.status,
        this.list,
        this.calendar,
        this.addForm(),
      );
    }
    const list = /** @type {HTMLElement} */ (this.list);
    const calendar = /** @type {HTMLElement} */ (this.calendar);
    list.hidden = this.mode !== "rows";
    calendar.hidden = this.mode !== "calendar";
    for (const button of this.root.querySelectorAll("[data-mode]")) {
      button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.mode === this.mode));
    }
    const vote = /** @type {HTMLButtonElement | null} */ (this.root.querySelector("#plan-vote"));
    if (vote) vote.disabled = !rows.length;
    if (this.drafting?.seq != null && ctx.seq >= this.drafting.seq) {
      const added = rows.length - this.drafting.before;
      /** @type {HTMLElement} */ (this.status).textContent = added > 0 ? tn("plan.drafted", added) : t("plan.drafted.none");
      this.drafting = null;
    }
    keyedCards(list, this.cards, rows, (row) => this.card(row.id, workshop, ctx), (card, row, index) => this.fill(card, row, index, rows.length), t("plan.empty"));
    if (this.mode === "calendar") calendar.replaceChildren(this.table(workshop, rows));
  }

  /** @param {{facilitator: boolean, seq: number}} ctx */
  toolbar(ctx) {
    const modes = ["rows", "calendar"].map((mode) => {
      const button = h("button", { type: "button", class: "btn small", "data-mode": mode, "aria-pressed": "false", text: t(/** @type {any} */ (`plan.mode.${mode}`)) });
      button.addEventListener("click", () => {
        this.mode = mode;
        if (this.current && this.ctx) this.render(this.current, this.ctx);
      });
      return button;
    });
    const bar = h("div", { class: "actions plan-tools" }, [h("span", { class: "plan-modes", role: "group", "aria-label": t("plan.view") }, modes)]);
    if (ctx.facilitator) {
      const draft = h("button", { type: "button", class: "btn primary", id: "plan-draft", text: t("plan.draft") });
      draft.addEventListener("click", () => {
        /** @type {HTMLElement} */ (this.status).textContent = t("plan.drafting");
        const before = (this.current?.plan ?? []).length;
        this.drafting = { op: "", before, seq: null };
        this.drafting.op = this.handlers.send({ type: Command.PLAN_DRAFT });
      });
      const vote = h("button", { type: "button", class: "btn", id: "plan-vote", text: t("plan.vote") });
      vote.addEventListener("click", () => {
        const rows = (this.current?.plan ?? []).slice(0, Limits.MAX_ROUND_ITEMS);
        if (!rows.length) return;
        this.handlers.send({ type: Command.ROUND_START, items: rows.map((r) => r.id), title: t("plan.vote.title") });
        location.hash = "#vote";
      });
      bar.append(h("span", { class: "spacer" }), draft, vote);
    }
    return bar;
  }

  /** @param {string} id @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  card(id, workshop, ctx) {
    /** @param {string} field @param {string} label @param {HTMLElement} control */
    const field = (field, label, control) => {
      control.id = `plan-${id}-${field}`;
      control.dataset.field = field;
      return h("div", { class: "field" }, [h("label", { for: control.id, text: label }), control]);
    };
    const text = (/** @type {number} */ max) => h("input", { type: "text", maxlength: String(max) });
    const area = () => h("textarea", { rows: "2", maxlength: String(Limits.SHEET_TEXT_MAX) });
    const persona = h("select", {}, [h("option", { value: "", text: t("scenarios.none") }), ...workshop.personas.map((p) => h("option", { value: p.id, text: p.name }))]);
    const objective = h("select", {}, [h("option", { value: "", text: t("scenarios.none") }), ...workshop.objectives.map((o) => h("option", { value: o.id, text: o.title }))]);
    const title = text(Limits.TITLE_MAX);
    title.classList.add("plan-title");
    const card = h("article", { class: "card plan-row", "data-row": id }, [
      h("header", { class: "plan-head" }, [
        h("span", { class: "plan-rank", "data-role": "rank" }),
        field("title", t("plan.field.title"), title),
        h("span", { class: "badge", "data-role": "votes", hidden: "" }),
      ]),
      h("div", { class: "row two" }, [field("persona", t("plan.field.persona"), persona), field("segment", t("plan.field.segment"), text(Limits.PLAN_FIELD_MAX))]),
      this.checks(id, "channels", t("plan.field.channels"), CHANNELS.map((c) => [c, channelName(c)])),
      this.checks(id, "months", t("plan.field.months"), MONTHS.map((m) => [String(m), monthName(m), monthName(m, "long")])),
      h("div", { class: "row two" }, [field("trigger", t("plan.field.trigger"), text(Limits.PLAN_FIELD_MAX)), field("frequency", t("plan.field.frequency"), text(Limits.PLAN_FIELD_MAX))]),
      h("div", { class: "row two" }, [field("objective", t("plan.field.objective"), objective), field("owner", t("plan.field.owner"), text(Limits.NAME_MAX))]),
      h("details", { class: "plan-more" }, [
        h("summary", { text: t("plan.more") }),
        field("content", t("plan.field.content"), area()),
        field("kpis", t("plan.field.kpis"), area()),
        h("p", { class: "hint", "data-role": "sources" }),
      ]),
    ]);
    for (const control of card.querySelectorAll("input[type=text][data-field], textarea[data-field], select[data-field]")) {
      const input = /** @type {HTMLInputElement} */ (control);
      const name = input.dataset.field ?? "";
      bindField(input, (value) => {
        if (name === "title" && !value.trim()) return;
        this.handlers.send({ type: Command.PLAN_EDIT, row: id, [name]: value });
      });
    }
    for (const group of card.querySelectorAll("fieldset[data-group]")) {
      const name = /** @type {HTMLElement} */ (group).dataset.group ?? "";
      group.addEventListener("change", () => {
        const chosen = [...group.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
        if (name === "months") {
          this.handlers.send({ type: Command.PLAN_EDIT, row: id, months: chosen.map(Number) });
          return;
        }
        // The room's order of channels is a priority (email, then SMS): kept, new ones last.
        const before = (this.current?.plan ?? []).find((r) => r.id === id)?.channels ?? [];
        const channels = [...before.filter((c) => chosen.includes(c)), ...chosen.filter((c) => !before.includes(c))];
        this.handlers.send({ type: Command.PLAN_EDIT, row: id, channels });
      });
    }
    if (ctx.facilitator) {
      const button = (/** @type {string} */ role, /** @type {string} */ glyph, /** @type {string} */ label) =>
        h("button", { type: "button", class: "btn icon small", "data-role": role, "aria-label": label, text: glyph });
      const up = button("up", "↑", t("plan.up"));
      const down = button("down", "↓", t("plan.down"));
      const remove = h("button", { type: "button", class: "btn danger small", text: t("plan.remove") });
      const move = (/** @type {number} */ by) => {
        const at = (this.current?.plan ?? []).findIndex((r) => r.id === id);
        if (at >= 0) this.handlers.send({ type: Command.PLAN_MOVE, row: id, index: Math.max(0, at + by) });
      };
      up.addEventListener("click", () => move(-1));
      down.addEventListener("click", () => move(1));
      remove.addEventListener("click", async () => {
        if (await confirmAction(t("plan.remove.confirm", { title: title.value }), t("plan.remove"))) {
          this.handlers.send({ type: Command.PLAN_REMOVE, row: id });
        }
      });
      card.append(h("div", { class: "actions" }, [up, down, h("span", { class: "spacer" }), remove]));
    }
    return card;
  }

  /** Toggle chips for a list field. @param {string} id @param {string} name @param {string} legend @param {string[][]} options */
  checks(id, name, legend, options) {
    return h("fieldset", { class: `plan-checks plan-${name}`, "data-group": name }, [
      h("legend", { text: legend }),
      ...options.map(([value, label, full]) => {
        const input = h("input", { type: "checkbox", value, id: `plan-${id}-${name}-${value}` });
        const attrs = { for: input.id, class: `check plan-check${name === "channels" ? ` ch-${value}` : ""}` };
        if (full) Object.assign(attrs, { title: full });
        return h("label", attrs, [input, h("span", { text: label })]);
      }),
    ]);
  }

  /** @param {HTMLElement} card @param {PlanRow} row @param {number} index @param {number} count */
  fill(card, row, index, count) {
    for (const control of card.querySelectorAll("input[type=text][data-field], textarea[data-field], select[data-field]")) {
      const input = /** @type {HTMLInputElement} */ (control);
      syncField(input, String(/** @type {any} */ (row)[input.dataset.field ?? ""] ?? ""));
    }
    for (const group of card.querySelectorAll("fieldset[data-group]")) {
      if (group.contains(document.activeElement)) continue; // the person is choosing here
      const chosen = new Set((/** @type {any} */ (row)[/** @type {HTMLElement} */ (group).dataset.group ?? ""] ?? []).map(String));
      for (const input of group.querySelectorAll("input")) /** @type {HTMLInputElement} */ (input).checked = chosen.has(/** @type {HTMLInputElement} */ (input).value);
    }
    /** @type {HTMLElement} */ (card.querySelector("[data-role=rank]")).textContent = `${index + 1}.`;
    const votes = /** @type {HTMLElement} */ (card.querySelector("[data-role=votes]"));
    votes.hidden = row.votes === null || row.votes === undefined;
    votes.textContent = votes.hidden ? "" : tn("vote.dots", row.votes ?? 0);
    /** @type {HTMLElement} */ (card.querySelector("[data-role=sources]")).textContent = row.sources.length ? tn("plan.sources", row.sources.length) : t("plan.sources.none");
    const up = /** @type {HTMLButtonElement | null} */ (card.querySelector("[data-role=up]"));
    const down = /** @type {HTMLButtonElement | null} */ (card.querySelector("[data-role=down]"));
    if (up) up.disabled = index === 0;
    if (down) down.disabled = index === count - 1;
  }

  /** The 12 months as columns, a row per action: a mark in each month it runs, or a bar across
   * the year for what runs on its trigger. @param {Workshop} workshop @param {PlanRow[]} rows */
  table(workshop, rows) {
    return calendarTable(workshop, rows);
  }

  addForm() {
    const title = h("input", { type: "text", id: "plan-new-title", required: "", maxlength: String(Limits.TITLE_MAX) });
    const form = h("form", { class: "card plan-add", id: "plan-form" }, [
      h("div", { class: "field" }, [h("label", { for: title.id, text: t("plan.add.name") }), title]),
      h("button", { type: "submit", class: "btn", text: t("plan.add") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      this.handlers.send({ type: Command.PLAN_ADD, title: title.value.trim() });
      title.value = "";
    });
    return form;
  }
}

/** The 12 months as columns, a row per action: a mark in each month it runs, or a bar across
 * the year for what runs on its trigger. @param {Workshop} workshop @param {PlanRow[]} rows */
export function calendarTable(workshop, rows) {
  if (!rows.length) return h("p", { class: "hint", text: t("plan.empty") });
  const head = h("tr", {}, [h("th", { scope: "col", text: t("plan.field.title") }), ...MONTHS.map((m) => h("th", { scope: "col", abbr: monthName(m, "long"), text: monthName(m) }))]);
  const body = rows.map((row) => {
    const channels = row.channels.map(channelName).join(", ");
    const name = h("th", { scope: "row" }, [h("span", { class: "plan-cal-title", text: row.title }), h("span", { class: "plan-cal-sub", text: [targetOf(workshop, row), channels].filter(Boolean).join(" · ") })]);
    const edge = row.channels[0] ? `var(--ch-${row.channels[0]}-edge)` : "var(--muted)";
    if (!row.months.length) {
      const bar = h("td", { colspan: "12", class: "plan-cal-trigger" }, [h("span", { class: "plan-bar", text: row.trigger ? t("plan.on.trigger", { trigger: row.trigger }) : t("plan.no.month") })]);
      bar.style.setProperty("--edge", edge);
      return h("tr", {}, [name, bar]);
    }
    const months = new Set(row.months);
    return h("tr", {}, [
      name,
      ...MONTHS.map((m) => {
        const cell = h("td", { class: months.has(m) ? "plan-cal-on" : "" });
        if (months.has(m)) {
          cell.style.setProperty("--edge", edge);
          cell.append(h("span", { class: "plan-dot", "aria-hidden": "true" }), h("span", { class: "sr-only", text: t("plan.runs", { month: monthName(m, "long") }) }));
        }
        return cell;
      }),
    ]);
  });
  return h("table", { class: "plan-table" }, [h("caption", { class: "sr-only", text: t("plan.calendar") }), h("thead", {}, [head]), h("tbody", {}, body)]);
}
