// @ts-check
// Modal dialogs (native <dialog>: focus trapped, Escape closes): the note editor, a text prompt,
// a confirmation, and the invitation panel.
import { t } from "./i18n.js";
import { CHANNELS, Limits } from "./protocol.js";
import { channelName, h, laneName } from "./render.js";

/**
 * @param {string} title
 * @param {(form: HTMLFormElement, close: (value?: string) => void) => void} build
 * @returns {Promise<string>}
 */
function modal(title, build) {
  return new Promise((resolve) => {
    const opener = /** @type {HTMLElement | null} */ (document.activeElement);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": "dialog-title" });
    const form = h("form", { method: "dialog" });
    form.append(h("h2", { id: "dialog-title", text: title }));
    let result = "";
    const close = (value = "") => {
      result = value;
      dialog.close();
    };
    build(form, close);
    dialog.append(form);
    dialog.addEventListener("close", () => {
      dialog.remove();
      // Back to the control that opened it; if a change from the room rebuilt it, to the same
      // control by its id or note, else to the board.
      const again = opener?.isConnected ? opener : opener?.id ? document.getElementById(opener.id) : opener?.dataset?.note ? document.querySelector(`[data-note="${CSS.escape(opener.dataset.note)}"]`) : null;
      /** @type {HTMLElement | null} */ (again ?? document.getElementById("main"))?.focus();
      resolve(result);
    });
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) close(); // a tap on the backdrop
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {string} label @param {Node} control */
function field(label, control) {
  const id = `f-${Math.random().toString(36).slice(2)}`;
  /** @type {HTMLElement} */ (control).id = id;
  return h("div", { class: "field" }, [h("label", { for: id, text: label }), control]);
}

/**
 * @typedef {{text: string, channel: string, stage: string, lane: string, tags: string[], target: boolean}} NoteDraft
 * @param {{title: string, draft: NoteDraft, workshop: import("./state.js").Workshop,
 *          canDelete: boolean}} options
 * @returns {Promise<null | {action: "save", draft: NoteDraft} | {action: "delete"} | {action: "moment"}>}
 */
export async function editNote({ title, draft, workshop, canDelete }) {
  /** @type {any} */
  let outcome = null;
  await modal(title, (form, close) => {
    const text = h("textarea", { rows: "4", maxlength: String(Limits.NOTE_TEXT_MAX), name: "text" });
    text.value = draft.text;
    const channel = h("select", { name: "channel" });
    for (const c of CHANNELS) {
      const option = h("option", { value: c, text: channelName(c) });
      option.selected = c === draft.channel;
      channel.append(option);
    }
    const stage = h("select", { name: "stage" });
    for (const s of workshop.stages) {
      const option = h("option", { value: s.id, text: s.title });
      option.selected = s.id === draft.stage;
      stage.append(option);
    }
    const lane = h("select", { name: "lane" });
    for (const l of workshop.lanes) {
      const option = h("option", { value: l.id, text: laneName(l.kind, l.title) });
      option.selected = l.id === draft.lane;
      lane.append(option);
    }
    const count = h("span", { class: "count", "aria-live": "polite" });
    const updateCount = () => {
      count.textContent = `${text.value.length} / ${Limits.NOTE_TEXT_MAX}`;
    };
    updateCount();
    text.addEventListener("input", updateCount);
    const tagBoxes = ["customer", "internal", "external"].map((tag) => {
      const box = h("input", { type: "checkbox", id: `tag-${tag}`, value: tag });
      box.checked = draft.tags.includes(tag);
      return box;
    });
    const targetBox = h("input", { type: "checkbox", id: "note-target" });
    targetBox.checked = draft.target;
    const tagSet = h("fieldset", { class: "tags" }, [
      h("legend", { text: t("tags.label") }),
      ...tagBoxes.map((box) => h("div", { class: "check" }, [box, h("label", { for: box.id, text: t(/** @type {any} */ (`tag.${box.value}`)) })])),
      h("div", { class: "check target-check" }, [targetBox, h("label", { for: targetBox.id, text: `🎯 ${t("target.label")}` })]),
    ]);
    const kinds = new Map(workshop.lanes.map((l) => [l.id, l.kind]));
    const showTags = () => {
      tagSet.hidden = kinds.get(lane.value) !== "solutions";
    };
    lane.addEventListener("change", showTags);
    showTags();
    const save = () => {
      if (document.documentElement.dataset.readonly === "true") return;
      outcome = {
        action: "save",
        draft: {
          text: text.value, channel: channel.value, stage: stage.value, lane: lane.value,
          tags: tagSet.hidden ? draft.tags : tagBoxes.filter((b) => b.checked).map((b) => b.value),
          target: tagSet.hidden ? draft.target : targetBox.checked,
        },
      };
      close("save");
    };
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        save();
      }
    });
    form.append(
      field(t("note.text"), text),
      h("p", { class: "hint" }, [t("note.hint"), " ", count]),
      h("div", { class: "row" }, [field(t("note.channel"), channel)]),
      h("div", { class: "row two" }, [field(t("note.stage"), stage), field(t("note.lane"), lane)]),
      tagSet,
    );
    const actions = h("div", { class: "actions" });
    if (canDelete) {
      const remove = h("button", { type: "button", class: "btn danger", text: t("note.delete") });
      remove.addEventListener("click", () => {
        outcome = { action: "delete" };
        close("delete");
      });
      actions.append(remove);
      const moment = h("button", { type: "button", class: "btn", "data-role": "mark-moment", text: `★ ${t("moments.markNote")}` });
      moment.addEventListener("click", () => {
        outcome = { action: "moment" };
        close("moment");
      });
      actions.append(moment);
    }
    const cancel = h("button", { type: "button", class: "btn ghost", text: t("note.cancel") });
    cancel.addEventListener("click", () => close());
    const ok = h("button", { type: "submit", class: "btn primary", text: t("note.save") });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save();
    });
    actions.append(h("span", { class: "spacer" }), cancel, ok);
    // Locked while the dialog is open: keep what was typed, say why it cannot be saved yet.
    const lockNote = h("p", { class: "lock-note", role: "alert" });
    const syncLock = () => {
      if (!form.isConnected && lockNote.dataset.started) {
        document.removeEventListener("parcours:readonly", syncLock);
        return;
      }
      const readOnly = document.documentElement.dataset.readonly === "true";
      for (const button of actions.querySelectorAll("button.primary, button.danger")) /** @type {HTMLButtonElement} */ (button).disabled = readOnly;
      lockNote.textContent = readOnly ? t("locked.reason") : "";
      lockNote.hidden = !readOnly;
    };
    document.addEventListener("parcours:readonly", syncLock);
    form.append(lockNote, actions);
    syncLock();
    lockNote.dataset.started = "1";
    queueMicrotask(() => text.focus());
  });
  return outcome;
}

/**
 * @param {string} title @param {string} label @param {string} value @param {number} max
 * @returns {Promise<string | null>}
 */
export async function askText(title, label, value, max) {
  const answer = await askFields(title, [{ name: "text", label, value, max, required: true }]);
  return answer ? answer.text : null;
}

/**
 * A form of a few text fields; the first is focused. Resolves to the values (trimmed where
 * single-line), or null when cancelled.
 * @param {string} title
 * @param {{name: string, label: string, value: string, max: number, required?: boolean, rows?: number}[]} fields
 * @returns {Promise<Record<string, string> | null>}
 */
export async function askFields(title, fields) {
  /** @type {Record<string, string> | null} */
  let answer = null;
  await modal(title, (form, close) => {
    const controls = fields.map((spec) => {
      const control = spec.rows
        ? h("textarea", { rows: String(spec.rows), maxlength: String(spec.max), "data-name": spec.name })
        : h("input", { type: "text", maxlength: String(spec.max), "data-name": spec.name });
      if (spec.required) control.setAttribute("required", "");
      control.value = spec.value;
      form.append(field(spec.label, control));
      return /** @type {[typeof spec, HTMLInputElement | HTMLTextAreaElement]} */ ([spec, control]);
    });
    const cancel = h("button", { type: "button", class: "btn ghost", text: t("note.cancel") });
    cancel.addEventListener("click", () => close());
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = Object.fromEntries(controls.map(([spec, control]) => [spec.name, spec.rows ? control.value : control.value.trim()]));
      if (controls.some(([spec]) => spec.required && !values[spec.name])) return;
      answer = values;
      close("ok");
    });
    form.append(
      h("div", { class: "actions" }, [
        h("span", { class: "spacer" }),
        cancel,
        h("button", { type: "submit", class: "btn primary", text: t("note.save") }),
      ]),
    );
    queueMicrotask(() => controls[0][1].select());
  });
  return answer;
}

/** @param {string} question @param {string} confirmLabel */
export async function confirmAction(question, confirmLabel) {
  const answer = await modal(question, (form, close) => {
    const cancel = h("button", { type: "button", class: "btn ghost", text: t("note.cancel") });
    cancel.addEventListener("click", () => close());
    const ok = h("button", { type: "button", class: "btn danger", text: confirmLabel });
    ok.addEventListener("click", () => close("yes"));
    form.append(h("div", { class: "actions" }, [h("span", { class: "spacer" }), cancel, ok]));
    queueMicrotask(() => cancel.focus());
  });
  return answer === "yes";
}

/**
 * @param {{code: string, joinUrl: string, facilitatorUrl: string | null}} invite
 */
export async function showInvite(invite) {
  await modal(t("menu.share.title"), (form, close) => {
    const code = h("p", { class: "big-code", text: invite.code.replace(/(...)(...)/, "$1 $2") });
    const qr = h("img", {
      class: "qr",
      src: `/api/join/${encodeURIComponent(invite.code)}/qr.svg`,
      alt: `QR code: ${invite.joinUrl}`,
      width: "220",
      height: "220",
    });
    form.append(
      h("p", { class: "label", text: t("menu.share.code") }),
      code,
      qr,
      copyRow(t("menu.share.link"), invite.joinUrl),
    );
    if (invite.facilitatorUrl) form.append(copyRow(t("menu.share.facilitator"), invite.facilitatorUrl));
    const done = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
    done.addEventListener("click", () => close());
    form.append(h("div", { class: "actions" }, [h("span", { class: "spacer" }), done]));
  });
}

/** @param {string} label @param {string} value */
export function copyRow(label, value) {
  const input = h("input", { type: "text", readonly: "" });
  input.value = value;
  const button = h("button", { type: "button", class: "btn", text: t("copy") });
  button.addEventListener("click", async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      document.execCommand?.("copy");
    }
    button.textContent = t("copied");
    setTimeout(() => (button.textContent = t("copy")), 1500);
  });
  return h("div", { class: "field copy" }, [field(label, input), button]);
}
