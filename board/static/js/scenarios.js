// @ts-check
// Marketing-automation scenario cards: one per key moment, a checklist filled together, field by
// field, with a bar that shows how complete each card is.
import { confirmAction } from "./dialogs.js";
import { bindField, syncField } from "./fields.js";
import { t } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h, keyedCards } from "./render.js";

export const SCENARIO_FIELDS = [
  "prerequisite", "objective", "trigger", "targeting", "channels", "channel_priority", "frequency",
  "executions", "delays", "messages", "contents", "personalisation", "variants", "cta",
];
const MOMENTS = ["customer", "commercial", "brand"];

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {import("./state.js").Scenario} Scenario */

/** @param {Scenario} scenario */
export function completeness(scenario) {
  return SCENARIO_FIELDS.filter((f) => (scenario.fields[f] ?? "").trim()).length;
}

export class ScenariosView {
  /** @param {HTMLElement} root @param {{send: (command: Record<string, any>) => string}} handlers */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.built = "";
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  render(workshop, ctx) {
    const key = `${ctx.facilitator}|${document.documentElement.lang}|${workshop.personas.map((p) => p.id + p.name).join()}|${workshop.stages.map((s) => s.id + s.title).join()}`;
    if (this.built !== key) {
      this.built = key;
      this.cards.clear();
      this.list = h("div", { class: "scenario-cards" });
      this.root.replaceChildren(
        h("h2", { class: "section-title", text: t("scenarios.title") }),
        h("p", { class: "hint", text: t("scenarios.help") }),
        this.list,
        this.addForm(workshop),
      );
    }
    const list = /** @type {HTMLElement} */ (this.list);
    keyedCards(list, this.cards, Object.values(workshop.scenarios), (scenario) => this.card(scenario.id, workshop, ctx), (card, scenario) => this.fill(card, scenario), t("scenarios.empty"));
  }

  /** @param {Workshop} workshop @param {string} id @param {string} field @param {string} value */
  select(workshop, id, field, value) {
    const select = h("select", { id: `sc-${id}-${field}`, "data-field": field });
    if (field === "moment") {
      for (const m of MOMENTS) select.append(h("option", { value: m, text: t(/** @type {any} */ (`moment.${m}`)) }));
    } else {
      select.append(h("option", { value: "", text: t("scenarios.none") }));
      const options = field === "persona" ? workshop.personas.map((p) => [p.id, p.name]) : workshop.stages.map((s) => [s.id, s.title]);
      for (const [v, label] of options) select.append(h("option", { value: v, text: label }));
    }
    select.value = value;
    return select;
  }

  /** @param {string} id @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  card(id, workshop, ctx) {
    const scenario = workshop.scenarios[id];
    const title = h("input", { type: "text", class: "scenario-title", "data-field": "title", maxlength: String(Limits.TITLE_MAX), "aria-label": t("scenarios.name") });
    const meter = h("meter", { min: "0", max: String(SCENARIO_FIELDS.length), "data-role": "meter", "aria-label": t("scenarios.complete", { n: 0, total: SCENARIO_FIELDS.length }) });
    const count = h("span", { class: "hint", "data-role": "count" });
    const card = h("article", { class: "card scenario", "data-scenario": id }, [
      h("header", { class: "scenario-head" }, [title, h("span", { class: "completion" }, [meter, count])]),
      h("div", { class: "row three" }, [
        ...["moment", "persona", "stage"].map((field) => {
          const select = this.select(workshop, id, field, /** @type {any} */ (scenario)[field] ?? "");
          return h("div", { class: "field" }, [h("label", { for: select.id, text: t(/** @type {any} */ (`scenarios.${field}`)) }), select]);
        }),
      ]),
    ]);
    const list = h("div", { class: "checklist" });
    for (const field of SCENARIO_FIELDS) {
      const area = h("textarea", { id: `sc-${id}-${field}`, "data-field": field, rows: field === "contents" ? "3" : "1", maxlength: "2000" });
      list.append(h("div", { class: "field" }, [h("label", { for: area.id, text: t(/** @type {any} */ (`scenario.${field}`)) }), area]));
    }
    card.append(list);
    for (const control of card.querySelectorAll("[data-field]")) {
      const input = /** @type {HTMLInputElement} */ (control);
      const field = input.dataset.field ?? "";
      bindField(input, (value) => {
        if (field === "title" && !value.trim()) return;
        this.handlers.send({ type: Command.SCENARIO_EDIT, scenario: id, field, value });
      });
    }
    if (ctx.facilitator) {
      const remove = h("button", { type: "button", class: "btn danger small", text: t("scenarios.remove") });
      remove.addEventListener("click", async () => {
        const current = this.cards.has(id) ? title.value : "";
        if (await confirmAction(t("scenarios.remove.confirm", { title: current }), t("scenarios.remove"))) {
          this.handlers.send({ type: Command.SCENARIO_REMOVE, scenario: id });
        }
      });
      card.append(h("div", { class: "actions" }, [h("span", { class: "spacer" }), remove]));
    }
    return card;
  }

  /** @param {HTMLElement} card @param {Scenario} scenario */
  fill(card, scenario) {
    for (const control of card.querySelectorAll("[data-field]")) {
      const input = /** @type {HTMLInputElement} */ (control);
      const field = input.dataset.field ?? "";
      const value = SCENARIO_FIELDS.includes(field) ? scenario.fields[field] ?? "" : /** @type {any} */ (scenario)[field] ?? "";
      syncField(input, String(value));
    }
    const filled = completeness(scenario);
    const meter = /** @type {HTMLMeterElement} */ (card.querySelector("[data-role=meter]"));
    meter.value = filled;
    const text = t("scenarios.complete", { n: filled, total: SCENARIO_FIELDS.length });
    meter.setAttribute("aria-label", text);
    /** @type {HTMLElement} */ (card.querySelector("[data-role=count]")).textContent = text;
  }

  /** @param {Workshop} workshop */
  addForm(workshop) {
    const title = h("input", { type: "text", id: "scenario-new-title", required: "", maxlength: String(Limits.TITLE_MAX) });
    const moment = this.select(workshop, "new", "moment", "customer");
    const persona = this.select(workshop, "new", "persona", "");
    const stage = this.select(workshop, "new", "stage", "");
    const form = h("form", { class: "card scenario-add", id: "scenario-form" }, [
      h("h3", { text: t("scenarios.add") }),
      h("div", { class: "field" }, [h("label", { for: title.id, text: t("scenarios.name") }), title]),
      h("div", { class: "row three" }, [
        h("div", { class: "field" }, [h("label", { for: moment.id, text: t("scenarios.moment") }), moment]),
        h("div", { class: "field" }, [h("label", { for: persona.id, text: t("scenarios.persona") }), persona]),
        h("div", { class: "field" }, [h("label", { for: stage.id, text: t("scenarios.stage") }), stage]),
      ]),
      h("button", { type: "submit", class: "btn primary", text: t("scenarios.add") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!title.value.trim()) return;
      this.handlers.send({
        type: Command.SCENARIO_ADD,
        title: title.value.trim(),
        moment: moment.value,
        persona: persona.value || null,
        stage: stage.value || null,
      });
      title.value = "";
    });
    return form;
  }
}
