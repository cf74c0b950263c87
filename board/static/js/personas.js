// @ts-check
// Persona sheets: one card per persona, every field editable by anyone, saved field by field
// (a pause in typing, or leaving the field). A field someone is typing in is never overwritten
// by a change arriving from others; it takes the room's value once they leave it.
// The photo is the facilitator's: uploaded over HTTP (the server shrinks and re-encodes it and
// commits the reference), removed on the socket; the emoji stands in when there is none.
import { confirmAction } from "./dialogs.js";
import { bindField, syncField } from "./fields.js";
import { t, tn } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";

export const PERSONA_FACTS = ["age", "family", "job", "city"];
export const PERSONA_FIELDS = [
  "tagline", ...PERSONA_FACTS, "profile", "process", "purchases", "motivations",
  "expectations", "frictions", "verbatims", "insight", "promise", "levers", "sources",
];
const SHEET_TEXT_MAX = 2000;
const PHOTO_MAX = 5 * 1024 * 1024;
const PHOTO_ERRORS = ["too_large", "not_an_image", "image_too_big", "forbidden", "limit"];

/** @typedef {import("./state.js").Workshop} Workshop */

export class PersonasView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string, workshop: string, token: string,
   *          toast: (message: string) => void}} handlers
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
    const photo = h("img", { class: "persona-photo", alt: "", width: "64", height: "64", hidden: "" });
    photo.addEventListener("error", () => {
      // A reference whose image this server does not keep (an imported workshop): the emoji.
      photo.hidden = true;
    });
    const emoji = h("input", { type: "text", class: "persona-emoji", "data-field": "emoji", maxlength: "16", "aria-label": t("persona.emoji") });
    const name = h("input", { type: "text", class: "persona-name", id: `pname-${id}`, "data-field": "name", maxlength: String(Limits.NAME_MAX), "aria-label": t("persona.name") });
    const tools = h("span", { class: "persona-tools" });
    const head = h("header", { class: "persona-head" }, [photo, emoji, name, tools]);
    card.append(head, h("div", { class: "persona-photo-tools" }));
    const label = (/** @type {string} */ field) => t(/** @type {any} */ (`persona.field.${field}`));
    const facts = h("div", { class: "row two persona-facts" }, PERSONA_FACTS.map((field) => {
      const fieldId = `p-${id}-${field}`;
      const input = h("input", { type: "text", id: fieldId, "data-field": field, maxlength: String(Limits.FACT_MAX) });
      return h("div", { class: "field" }, [h("label", { for: fieldId, text: label(field) }), input]);
    }));
    for (const field of PERSONA_FIELDS) {
      if (PERSONA_FACTS.includes(field)) {
        if (field === PERSONA_FACTS[0]) card.append(facts);
        continue;
      }
      const fieldId = `p-${id}-${field}`;
      const area = h("textarea", { id: fieldId, "data-field": field, rows: field === "profile" || field === "process" ? "3" : "2", maxlength: String(SHEET_TEXT_MAX) });
      card.append(h("div", { class: "field" }, [h("label", { for: fieldId, text: label(field) }), area]));
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
    this.fillPhoto(card, persona, ctx);
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

  /**
   * @param {HTMLElement} card @param {import("./state.js").Persona} persona
   * @param {{facilitator: boolean}} ctx
   */
  fillPhoto(card, persona, ctx) {
    const photo = /** @type {HTMLImageElement} */ (card.querySelector(".persona-photo"));
    const ref = persona.photo ?? "";
    photo.alt = persona.name;
    if (photo.dataset.ref !== ref) {
      photo.dataset.ref = ref;
      photo.hidden = !ref;
      if (ref) photo.src = `/w/${this.handlers.workshop}/photos/${ref}`;
      else photo.removeAttribute("src");
    }
    const box = /** @type {HTMLElement} */ (card.querySelector(".persona-photo-tools"));
    const key = `${ctx.facilitator}|${ref ? 1 : 0}|${persona.name}`;
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.replaceChildren();
    if (!ctx.facilitator) return;
    const input = h("input", { type: "file", accept: "image/*", class: "persona-photo-file", hidden: "", "aria-hidden": "true", tabindex: "-1" });
    const pick = h("button", { type: "button", class: "btn small", text: t(ref ? "persona.photo.change" : "persona.photo.add"), "aria-label": `${t(ref ? "persona.photo.change" : "persona.photo.add")}: ${persona.name}` });
    pick.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) this.upload(persona.id, file, pick);
    });
    box.append(pick, input);
    if (ref) {
      const remove = h("button", { type: "button", class: "btn small", text: t("persona.photo.remove"), "aria-label": `${t("persona.photo.remove")}: ${persona.name}` });
      remove.addEventListener("click", () => this.handlers.send({ type: Command.PERSONA_EDIT, persona: persona.id, field: "photo", value: "" }));
      box.append(remove);
    }
  }

  /** @param {string} persona @param {File} file @param {HTMLButtonElement} button */
  async upload(persona, file, button) {
    const { workshop, token, toast } = this.handlers;
    if (file.size > PHOTO_MAX) {
      toast(t("persona.photo.error.too_large"));
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch(`/api/workshops/${workshop}/personas/${persona}/photo`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
        body: file,
      });
      if (!answer.ok) {
        const body = await answer.json().catch(() => ({}));
        const code = PHOTO_ERRORS.includes(body.code) ? body.code : "failed";
        toast(t(/** @type {any} */ (`persona.photo.error.${code}`)));
      }
    } catch {
      toast(t("persona.photo.error.failed"));
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
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
