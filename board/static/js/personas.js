// @ts-check
// Persona sheets: one card per persona, every field editable by anyone, saved field by field
// (a pause in typing, or leaving the field). A field someone is typing in is never overwritten
// by a change arriving from others; it takes the room's value once they leave it.
import { confirmAction } from "./dialogs.js";
import { bindField, syncField } from "./fields.js";
import { t, tn } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";

export const PERSONA_FIELDS = [
  "tagline", "profile", "process", "purchases", "motivations",
  "expectations", "frictions", "verbatims", "insight", "promise",
];
const SHEET_TEXT_MAX = 2000;

/** @typedef {import("./state.js").Workshop} Workshop */

export class PersonasView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
    this.built = "";
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean, locked: boolean}} ctx */
  render(workshop, ctx) {
    const key = `${ctx.facilitator}|${document.documentElement.lang}`;
    if (this.built !== key) {
      this.built = key;
      this.cards.clear();
      this.list = h("div", { class: "persona-cards" });
      this.root.replaceChildren(h("h2", { class: "section-title", text: t("nav.personas") }), this.list, this.addForm());
    }
    const list = /** @type {HTMLElement} */ (this.list);
    const alive = new Set();
    workshop.personas.forEach((persona, index) => {
      alive.add(persona.id);
      let card = this.cards.get(persona.id);
      if (!card) {
        card = this.card(persona.id);
        this.cards.set(persona.id, card);
      }
      if (list.children[index] !== card) list.insertBefore(card, list.children[index] ?? null);
      this.fill(card, persona, workshop, index, ctx);
    });
    for (const [id, card] of this.cards) {
      if (!alive.has(id)) {
        card.remove();
        this.cards.delete(id);
      }
    }
  }

  /** @param {string} id */
  card(id) {
    const card = h("article", { class: "persona-card card", "data-persona": id, "aria-labelledby": `pname-${id}` });
    const emoji = h("input", { type: "text", class: "persona-emoji", "data-field": "emoji", maxlength: "16", "aria-label": t("persona.emoji") });
    const name = h("input", { type: "text", class: "persona-name", id: `pname-${id}`, "data-field": "name", maxlength: String(Limits.NAME_MAX), "aria-label": t("persona.name") });
    const tools = h("span", { class: "persona-tools" });
    const head = h("header", { class: "persona-head" }, [emoji, name, tools]);
    card.append(head);
    for (const field of PERSONA_FIELDS) {
      const fieldId = `p-${id}-${field}`;
      const area = h("textarea", { id: fieldId, "data-field": field, rows: field === "profile" || field === "process" ? "3" : "2", maxlength: String(SHEET_TEXT_MAX) });
      card.append(h("div", { class: "field" }, [h("label", { for: fieldId, text: t(/** @type {any} */ (`persona.field.${field}`)) }), area]));
    }
    for (const input of card.querySelectorAll("[data-field]")) {
      const control = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (input);
      const field = control.dataset.field ?? "";
      bindField(control, (value) => {
        if (field === "name" && !value.trim()) return;
        this.handlers.send({ type: Command.PERSONA_EDIT, persona: id, field, value });
      });
    }
    return card;
  }

  /**
   * @param {HTMLElement} card @param {import("./state.js").Persona & Record<string, any>} persona
   * @param {Workshop} workshop @param {number} index @param {{facilitator: boolean, locked: boolean}} ctx
   */
  fill(card, persona, workshop, index, ctx) {
    for (const input of card.querySelectorAll("[data-field]")) {
      const control = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (input);
      control.readOnly = ctx.locked && !ctx.facilitator;
      syncField(control, String(persona[control.dataset.field ?? ""] ?? ""));
    }
    const tools = /** @type {HTMLElement} */ (card.querySelector(".persona-tools"));
    const toolsKey = `${ctx.facilitator}|${index}|${workshop.personas.length}`;
    if (tools.dataset.key === toolsKey) return;
    tools.dataset.key = toolsKey;
    tools.replaceChildren();
    if (!ctx.facilitator) return;
    /** @type {[string, string, string, boolean][]} */
    const actions = [
      ["left", "◀", t("persona.left"), index === 0],
      ["right", "▶", t("persona.right"), index === workshop.personas.length - 1],
      ["remove", "✕", t("persona.remove"), workshop.personas.length <= 1],
    ];
    for (const [action, icon, label, disabled] of actions) {
      const button = h("button", { type: "button", class: "btn icon small", "aria-label": `${label}: ${persona.name}`, title: label, text: icon });
      button.disabled = disabled;
      button.addEventListener("click", async () => {
        const current = workshop.personas.findIndex((p) => p.id === persona.id);
        if (action === "remove") {
          const notes = Object.values(workshop.notes).filter((n) => n.persona === persona.id).length;
          if (await confirmAction(tn("persona.remove.confirm", notes, { name: persona.name }), t("persona.remove"))) {
            this.handlers.send({ type: Command.PERSONA_REMOVE, persona: persona.id, with_notes: true });
          }
          return;
        }
        this.handlers.send({ type: Command.PERSONA_MOVE, persona: persona.id, index: current + (action === "left" ? -1 : 1) });
      });
      tools.append(button);
    }
  }

  addForm() {
    const emoji = h("input", { type: "text", id: "persona-new-emoji", maxlength: "16", value: "🙂" });
    const name = h("input", { type: "text", id: "persona-new-name", required: "", maxlength: String(Limits.NAME_MAX) });
    const form = h("form", { class: "card persona-add", id: "persona-form" }, [
      h("h3", { text: t("persona.add") }),
      h("div", { class: "row two" }, [
        h("div", { class: "field" }, [h("label", { for: "persona-new-name", text: t("persona.name") }), name]),
        h("div", { class: "field" }, [h("label", { for: "persona-new-emoji", text: t("persona.emoji") }), emoji]),
      ]),
      h("button", { type: "submit", class: "btn primary", text: t("persona.add") }),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!name.value.trim()) return;
      this.handlers.send({ type: Command.PERSONA_ADD, name: name.value.trim(), emoji: emoji.value.trim() });
      name.value = "";
    });
    return form;
  }
}
