// @ts-check
// The trash: what was deleted, by whom and when; its deleter, its author or the facilitator
// puts it back where it was (sessions/trash.py decides, with the roadmap links).
import { currentLang, t } from "./i18n.js";
import { Command } from "./protocol.js";
import { h } from "./render.js";

/** @typedef {import("./state.js").Workshop} Workshop */

/** @param {any} entry */
function titleOf(entry) {
  const item = entry.note ?? entry.persona ?? entry.roadmap ?? entry.scenario ?? entry.objective ?? entry.moment ?? entry.plan ?? {};
  return item.text ?? item.name ?? item.title ?? entry.id;
}

/** @param {number} seconds */
export function when(seconds) {
  return new Date(seconds * 1000).toLocaleString(currentLang(), { dateStyle: "medium", timeStyle: "short" });
}

/**
 * @param {Workshop} workshop @param {{id: string, role: string}} me
 * @param {(command: Record<string, any>) => void} send @param {(message: string) => void} toast
 */
export function showTrash(workshop, me, send, toast) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const dialog = h("dialog", { class: "dialog keep-dialog", "aria-labelledby": "trash-title" });
  /** @type {any[]} */
  const entries = Object.values(/** @type {any} */ (workshop).trash ?? {}).reverse();
  const list = h("ul", { class: "keep-list" });
  for (const entry of entries) {
    const author = entry.note?.author ?? "";
    const allowed = me.role === "facilitator" || me.id === entry.by || me.id === author;
    const who = workshop.participants[entry.by]?.name ?? t("keep.someone");
    const row = h("li", { class: "keep-row", "data-item": entry.id }, [
      h("div", { class: "keep-what" }, [
        h("strong", { text: `${t(/** @type {any} */ (`keep.kind.${entry.kind}`))} · ` }),
        h("span", { class: "keep-title", text: titleOf(entry) }),
        h("p", { class: "hint", text: t("keep.trash.by", { name: who, time: when(entry.at) }) }),
      ]),
    ]);
    if (allowed) {
      const restore = h("button", { type: "button", class: "btn", text: t("keep.trash.restore") });
      restore.setAttribute("aria-label", `${t("keep.trash.restore")}: ${titleOf(entry)}`);
      restore.addEventListener("click", () => {
        send({ type: Command.TRASH_RESTORE, item: entry.id });
        toast(t("keep.trash.restored"));
        dialog.close();
      });
      row.append(restore);
    }
    list.append(row);
  }
  const close = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
  close.addEventListener("click", () => dialog.close());
  dialog.append(
    h("h2", { id: "trash-title", text: t("keep.trash.title") }),
    h("p", { class: "hint", text: t("keep.trash.help") }),
    entries.length ? list : h("p", { text: t("keep.trash.empty") }),
    h("div", { class: "actions" }, [h("span", { class: "spacer" }), close]),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}
