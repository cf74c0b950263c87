// @ts-check
// The presenter view (/w/ID/screen): what the projector shows the room, following the agenda.
import { t } from "./i18n.js";
import { h } from "./render.js";
import { currentRound } from "./state.js";
import { results } from "./vote.js";

/** @typedef {import("./state.js").Workshop} Workshop */

/**
 * @param {HTMLElement} root
 * @param {Workshop} workshop
 * @param {{code: string | null, online: {id: string, name: string, role: string}[]}} ctx
 */
export function renderScreen(root, workshop, ctx) {
  const round = currentRound(workshop);
  const people = Object.values(workshop.participants).filter((p) => p.role !== "facilitator").length;
  /** @type {HTMLElement[]} */
  const parts = [h("h2", { class: "screen-title", text: workshop.title })];
  if (round?.status === "revealed") {
    parts.push(h("p", { class: "screen-status", text: t("vote.revealed") }), results(workshop, round));
  } else if (ctx.code) {
    parts.push(
      h("div", { class: "screen-join" }, [
        h("img", { class: "qr big", src: `/api/join/${ctx.code}/qr.svg`, alt: `QR code: ${location.origin}/j/${ctx.code}`, width: "320", height: "320" }),
        h("div", {}, [
          h("p", { class: "screen-url", text: t("projector.join", { url: location.host }) }),
          h("p", { class: "big-code huge", text: ctx.code.replace(/(...)(...)/, "$1 $2") }),
        ]),
      ]),
    );
    if (round) {
      const voted = round.anonymous ? round.voters : Object.values(round.spent).filter((n) => n > 0).length;
      parts.push(h("p", { class: "screen-count", "aria-live": "polite" }, [h("strong", { text: `${voted} / ${people}` }), ` ${t("projector.voted")}`]));
    }
  }
  root.replaceChildren(...parts);
}
