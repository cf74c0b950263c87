// @ts-check
// The facilitator's toolbar (phase, timer, lock, private writing, follow-me, save as template)
// and the banners everyone sees when one of them is on.
import { askText } from "./dialogs.js";
import { t } from "./i18n.js";
import { Command, Limits } from "./protocol.js";
import { h } from "./render.js";

/** @typedef {import("./state.js").Workshop & {phase: string, timer_ends_at: number | null,
 *   private: boolean, follow: string | null}} Workshop */

export class FacilitationView {
  /**
   * @param {HTMLElement} root
   * @param {{send: (command: Record<string, any>) => string, persona: () => string,
   *          saveTemplate: (label: string) => Promise<void>}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.key = "";
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  render(workshop, ctx) {
    const key = JSON.stringify([ctx.facilitator, workshop.phase, workshop.timer_ends_at, workshop.locked, workshop.private, workshop.follow, document.documentElement.lang, Object.values(workshop.notes).filter((n) => n.hidden).length]);
    if (key === this.key) return;
    this.key = key;
    const focused = /** @type {HTMLElement | null} */ (document.activeElement)?.id;
    const parts = [];
    if (ctx.facilitator) parts.push(this.toolbar(workshop));
    parts.push(this.banners(workshop, ctx));
    this.root.replaceChildren(...parts);
    if (focused) document.getElementById(focused)?.focus();
  }

  /** One line of controls; on phones it folds behind a "Controls" button. @param {Workshop} workshop */
  toolbar(workshop) {
    const timer = h("select", { id: "timer-select", "aria-label": t("facilitate.timer") });
    timer.append(h("option", { value: "", text: `⏱ ${t("facilitate.timer")}` }));
    for (const minutes of [1, 2, 3, 5, 10, 15, 20]) timer.append(h("option", { value: String(minutes * 60), text: t("round.minutes", { n: minutes }) }));
    timer.addEventListener("change", () => {
      if (timer.value) this.handlers.send({ type: Command.TIMER_SET, seconds: Number(timer.value) });
    });
    const stop = h("button", { type: "button", class: "btn icon", id: "timer-stop", "aria-label": t("facilitate.timer.stop"), title: t("facilitate.timer.stop"), text: "⏹\uFE0E" });
    stop.hidden = !workshop.timer_ends_at;
    stop.addEventListener("click", () => this.handlers.send({ type: Command.TIMER_SET, seconds: null }));
    const toggle = (/** @type {string} */ id, /** @type {string} */ label, /** @type {boolean} */ on, /** @type {(v: boolean) => void} */ change) => {
      const button = h("button", { type: "button", class: `btn toggle${on ? " on" : ""}`, id, "aria-pressed": String(on), text: label });
      button.addEventListener("click", () => change(!on));
      return button;
    };
    const hiddenCount = Object.values(workshop.notes).filter((n) => n.hidden).length;
    const reveal = h("button", { type: "button", class: "btn", id: "reveal-notes", text: `${t("facilitate.reveal")} (${hiddenCount})` });
    reveal.disabled = hiddenCount === 0;
    reveal.addEventListener("click", () => this.handlers.send({ type: Command.NOTES_REVEAL }));
    const save = h("button", { type: "button", class: "btn ghost", id: "save-template", text: t("facilitate.saveTemplate") });
    save.addEventListener("click", async () => {
      const label = await askText(t("facilitate.saveTemplate"), t("facilitate.templateName"), workshop.title, Limits.WORKSHOP_TITLE_MAX);
      if (label) await this.handlers.saveTemplate(label);
    });
    const follow = toggle("follow-toggle", t("facilitate.follow.short"), Boolean(workshop.follow), (v) => this.handlers.send({ type: Command.FOLLOW_SET, persona: v ? this.handlers.persona() : null }));
    const wasMore = this.root.querySelector(".more")?.hasAttribute("open") ?? false;
    const more = h("details", { class: "more popover" }, [
      h("summary", { class: "btn", id: "more-controls", text: `${t("shell.more")} ▾` }),
      h("div", { class: "more-list" }, [...(workshop.private || hiddenCount ? [] : [reveal]), follow, save]),
    ]);
    if (wasMore) more.open = true;
    const open = this.root.querySelector(".facilitate")?.classList.contains("open") ?? false;
    const fold = h("button", { type: "button", class: "btn facilitate-fold", id: "controls-btn", "aria-expanded": String(open), "aria-controls": "facilitate-row", text: t("shell.controls") });
    const bar = h("div", { class: `facilitate${open ? " open" : ""}`, role: "toolbar", "aria-label": t("facilitate.label") }, [
      fold,
      h("div", { class: "facilitate-row", id: "facilitate-row" }, [
        h("span", { class: "timer-tools" }, [timer, stop]),
        toggle("lock-toggle", `🔒 ${t("facilitate.lock.short")}`, workshop.locked, (v) => this.handlers.send({ type: Command.BOARD_LOCK, locked: v })),
        toggle("private-toggle", t("facilitate.private"), workshop.private, (v) => this.handlers.send({ type: Command.PRIVATE_SET, private: v })),
        ...(workshop.private || hiddenCount ? [reveal] : []),
        more,
      ]),
    ]);
    fold.addEventListener("click", () => {
      const now = !bar.classList.contains("open");
      bar.classList.toggle("open", now);
      fold.setAttribute("aria-expanded", String(now));
    });
    return bar;
  }

  /** @param {Workshop} workshop @param {{facilitator: boolean}} ctx */
  banners(workshop, ctx) {
    const box = h("div", { class: "banners", role: "status", "aria-live": "polite" });
    if (workshop.locked) box.append(h("span", { class: "banner warn", id: "locked-banner", text: ctx.facilitator ? t("banner.locked") : t("locked.reason") }));
    if (workshop.private) box.append(h("span", { class: "banner info", id: "private-banner", text: t("banner.private") }));
    if (workshop.follow && !ctx.facilitator) box.append(h("span", { class: "banner info", text: t("banner.follow") }));
    return box;
  }
}
