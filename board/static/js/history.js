// @ts-check
// Undo and redo of my own changes, the trash and versions buttons: a small bar of the board.
// The stacks live on the server (sessions/history.py): this page only sends history.undo and
// history.redo, and shows what the server says (history.shown: depths, what was left alone).
import { t } from "./i18n.js";
import { Command, Event } from "./protocol.js";
import { h } from "./render.js";
import { showTrash } from "./trash.js";
import { showVersions } from "./versions.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {{kind: string, item: string, facet: string, by: string, reason: string}} Skip */

const isMac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/**
 * One sentence per item an undo or redo left alone ("Samira changed this note since").
 * @param {Workshop} workshop @param {Skip[]} skipped @param {string} me
 */
export function skippedSentences(workshop, skipped, me) {
  /** @type {Map<string, Skip>} */
  const byItem = new Map();
  for (const skip of skipped) if (!byItem.has(skip.item)) byItem.set(skip.item, skip);
  return [...byItem.values()].map((skip) => {
    const what = t(/** @type {any} */ (`keep.what.${skip.kind}`));
    if (skip.reason === "deleted") return t("keep.gone", { what });
    if (skip.reason === "refused") return t("keep.refused", { what });
    const person = skip.by && skip.by !== me ? workshop.participants[skip.by] : null;
    return t("keep.changed", { name: person ? person.name : t("keep.someone"), what });
  });
}

export class KeepingBar {
  /**
   * @param {{
   *   send: (command: Record<string, any>) => void,
   *   workshop: () => Workshop | null,
   *   me: () => {id: string, role: string} | null,
   *   workshopId: string,
   *   token: string,
   *   toast: (message: string) => void,
   * }} options
   */
  constructor(options) {
    this.options = options;
    this.undoDepth = 0;
    this.redoDepth = 0;
    this.undoButton = h("button", { type: "button", class: "btn keep-undo", "data-keep": "undo" });
    this.redoButton = h("button", { type: "button", class: "btn keep-redo", "data-keep": "redo" });
    this.trashButton = h("button", { type: "button", class: "btn keep-trash", "data-keep": "trash" });
    this.versionsButton = h("button", { type: "button", class: "btn keep-versions", "data-keep": "versions" });
    this.toolbar = h("div", { class: "keeping-tools", role: "toolbar" }, [
      this.undoButton,
      this.redoButton,
      this.trashButton,
      this.versionsButton,
    ]);
    // A landmark of its own: it sits outside <main>, fixed at the bottom of the screen.
    this.root = h("aside", { class: "keeping-bar" }, [this.toolbar]);
    this.undoButton.addEventListener("click", () => this.undo());
    this.redoButton.addEventListener("click", () => this.redo());
    this.trashButton.addEventListener("click", () => {
      const workshop = options.workshop();
      const me = options.me();
      if (workshop && me) showTrash(workshop, me, options.send, options.toast);
    });
    this.versionsButton.addEventListener("click", () => {
      const workshop = options.workshop();
      if (workshop) showVersions(options.workshopId, options.token, workshop, options.toast);
    });
    addEventListener("keydown", (event) => this.onKey(event));
    document.body.append(this.root);
    this.render();
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    const mod = isMac ? event.metaKey : event.ctrlKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    const redo = (key === "z" && event.shiftKey) || (key === "y" && !isMac);
    if (key !== "z" && !redo) return;
    const target = /** @type {HTMLElement | null} */ (event.target);
    // In a text field, Ctrl+Z belongs to the field (its own typing), not to the board.
    if (target?.closest("input, textarea, select, [contenteditable='true']")) return;
    if (document.querySelector("dialog[open]")) return;
    event.preventDefault();
    if (redo) this.redo();
    else this.undo();
  }

  undo() {
    if (this.undoDepth > 0) this.options.send({ type: Command.HISTORY_UNDO });
  }

  redo() {
    if (this.redoDepth > 0) this.options.send({ type: Command.HISTORY_REDO });
  }

  /** @param {{history?: {undo: number, redo: number} | null}} welcome */
  welcome(welcome) {
    if (welcome.history) {
      this.undoDepth = welcome.history.undo;
      this.redoDepth = welcome.history.redo;
    }
    this.render();
  }

  /** @param {import("./state.js").Entry} entry */
  entry(entry) {
    for (const event of entry.events) {
      if (event.type !== Event.HISTORY_SHOWN) continue;
      this.undoDepth = event.undo;
      this.redoDepth = event.redo;
      const workshop = this.options.workshop();
      const me = this.options.me();
      if (event.action === "push" || !workshop) continue;
      const sentences = skippedSentences(workshop, event.skipped ?? [], me?.id ?? "");
      if (sentences.length) for (const sentence of sentences.slice(0, 3)) this.options.toast(sentence);
      else this.options.toast(t(event.action === "undo" ? "keep.undone" : "keep.redone"));
    }
  }

  render() {
    const workshop = this.options.workshop();
    const me = this.options.me();
    const facilitator = me?.role === "facilitator";
    const readOnly = Boolean(workshop?.locked) && !facilitator;
    this.root.setAttribute("aria-label", t("keep.bar"));
    this.toolbar.setAttribute("aria-label", t("keep.bar"));
    this.root.hidden = !workshop;
    const set = (/** @type {HTMLElement} */ button, /** @type {string} */ text, /** @type {string} */ label) => {
      if (button.textContent !== text) button.textContent = text;
      button.setAttribute("aria-label", label);
      button.title = label;
    };
    const keys = (/** @type {string} */ label) => (isMac ? label.replace("Ctrl", "Cmd") : label);
    set(this.undoButton, t("keep.undo"), keys(t("keep.undo.label")));
    set(this.redoButton, t("keep.redo"), keys(t("keep.redo.label")));
    const trashed = Object.keys(/** @type {any} */ (workshop)?.trash ?? {}).length;
    const trash = trashed ? `${t("keep.trash")} (${trashed})` : t("keep.trash");
    set(this.trashButton, trash, trash);
    set(this.versionsButton, t("keep.versions"), t("keep.versions"));
    /** @type {HTMLButtonElement} */ (this.undoButton).disabled = readOnly || this.undoDepth === 0;
    /** @type {HTMLButtonElement} */ (this.redoButton).disabled = readOnly || this.redoDepth === 0;
    this.undoButton.dataset.depth = String(this.undoDepth);
    this.redoButton.dataset.depth = String(this.redoDepth);
    this.trashButton.dataset.count = String(trashed);
    this.versionsButton.hidden = !facilitator;
  }
}
