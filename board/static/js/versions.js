// @ts-check
// Versions of the board (facilitator): list, save one now, open one read-only, export it, start
// a new workshop from it; and deleting the workshop, after offering the export.
import { showExports } from "./exports.js";
import { readAccess, saveAccess } from "./home.js";
import { t } from "./i18n.js";
import { BoardView, h } from "./render.js";
import { answeredIrritants, journeySwitch } from "./target.js";
import { when } from "./trash.js";

/** @typedef {import("./state.js").Workshop} Workshop */
/** @typedef {{id: string, at: number, seq: number, reason: string, phase: string, label: string,
 *             counts: Record<string, number>}} VersionInfo */

/** @param {string} token @param {RequestInit} [init] */
function authed(token, init = {}) {
  return { ...init, headers: { ...(init.headers ?? {}), authorization: `Bearer ${token}` } };
}

/** @param {Response} answer */
async function failure(answer) {
  const problem = await answer.json().catch(() => ({ message: answer.statusText }));
  return String(problem.message ?? answer.statusText);
}

/** @param {VersionInfo} info */
function reasonText(info) {
  if (info.reason === "phase") return t("keep.reason.phase", { phase: t(/** @type {any} */ (`phase.${info.phase}`)) });
  if (info.reason === "step") return t("keep.reason.step", { label: info.label });
  return info.label ? t("keep.reason.manual", { label: info.label }) : t("keep.reason.plain");
}

/**
 * @param {string} workshopId @param {string} token @param {Workshop} workshop
 * @param {(message: string) => void} toast
 */
export function showVersions(workshopId, token, workshop, toast) {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const base = `/api/workshops/${workshopId}`;
  const dialog = h("dialog", { class: "dialog keep-dialog", "aria-labelledby": "versions-title" });
  const label = h("input", { type: "text", id: "version-label", maxlength: "80", placeholder: t("keep.versions.placeholder") });
  const save = h("button", { type: "button", class: "btn primary", "data-keep": "save-version", text: t("keep.versions.save") });
  const list = h("ul", { class: "keep-list", "aria-live": "polite" });

  async function refresh() {
    const answer = await fetch(`${base}/versions`, authed(token));
    if (!answer.ok) return toast(await failure(answer));
    /** @type {VersionInfo[]} */
    const found = await answer.json();
    list.replaceChildren(...found.reverse().map(row));
    if (!found.length) list.append(h("li", { text: t("keep.versions.none") }));
  }

  /** @param {VersionInfo} info */
  function row(info) {
    const open = h("a", { class: "btn", href: `/w/${workshopId}/v/${info.id}`, text: t("keep.versions.open") });
    const exportIt = h("button", { type: "button", class: "btn", text: t("keep.versions.export") });
    exportIt.addEventListener("click", () => showExports(workshopId, token, toast, info.id));
    const restore = h("button", { type: "button", class: "btn", text: t("keep.versions.restore") });
    restore.addEventListener("click", async () => {
      const answer = await fetch(`${base}/versions/${info.id}/restore`, authed(token, { method: "POST" }));
      if (!answer.ok) return toast(await failure(answer));
      const made = await answer.json();
      saveAccess(made.workshop, { token: made.token, title: workshop.title });
      toast(t("keep.versions.restored"));
      window.open(made.board, "_blank", "noopener");
    });
    const what = `${when(info.at)} · ${reasonText(info)}`;
    for (const button of [open, exportIt, restore]) button.setAttribute("aria-label", `${button.textContent}: ${what}`);
    const counts = t("keep.versions.counts", {
      notes: info.counts.notes ?? 0,
      personas: info.counts.personas ?? 0,
      roadmap: info.counts.roadmap ?? 0,
    });
    return h("li", { class: "keep-row", "data-version": info.id }, [
      h("div", { class: "keep-what" }, [h("strong", { text: what }), h("p", { class: "hint", text: counts })]),
      h("div", { class: "keep-actions" }, [open, exportIt, restore]),
    ]);
  }

  save.addEventListener("click", async () => {
    save.disabled = true;
    try {
      const body = JSON.stringify({ label: label.value });
      const answer = await fetch(`${base}/versions`, authed(token, { method: "POST", body, headers: { "content-type": "application/json" } }));
      if (!answer.ok) return toast(await failure(answer));
      label.value = "";
      toast(t("keep.versions.saved"));
      await refresh();
    } finally {
      save.disabled = false;
    }
  });
  const remove = h("button", { type: "button", class: "btn danger", "data-keep": "delete", text: t("keep.delete") });
  remove.addEventListener("click", () => confirmDelete(workshopId, token, toast));
  const close = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
  close.addEventListener("click", () => dialog.close());
  dialog.append(
    h("h2", { id: "versions-title", text: t("keep.versions.title") }),
    h("p", { class: "hint", text: t("keep.versions.help") }),
    h("div", { class: "row keep-save" }, [
      h("div", { class: "field" }, [h("label", { for: "version-label", text: t("keep.versions.label") }), label]),
      save,
    ]),
    list,
    h("div", { class: "actions" }, [remove, h("span", { class: "spacer" }), close]),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  refresh();
}

/** @param {string} workshopId @param {string} token @param {(message: string) => void} toast */
function confirmDelete(workshopId, token, toast) {
  const dialog = h("dialog", { class: "dialog", role: "alertdialog", "aria-labelledby": "delete-title", "aria-describedby": "delete-body" });
  const exportFirst = h("button", { type: "button", class: "btn", text: t("keep.delete.export") });
  exportFirst.addEventListener("click", () => showExports(workshopId, token, toast));
  const go = h("button", { type: "button", class: "btn danger", "data-keep": "delete-go", text: t("keep.delete.go") });
  go.addEventListener("click", async () => {
    const answer = await fetch(`/api/workshops/${workshopId}`, authed(token, { method: "DELETE" }));
    if (!answer.ok) return toast(await failure(answer));
    localStorage.removeItem(`parcours:outbox:${workshopId}`);
    dialog.close(); // the board's socket is closed with 4410 and the page says it was deleted
  });
  const cancel = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
  cancel.addEventListener("click", () => dialog.close());
  dialog.append(
    h("h2", { id: "delete-title", text: t("keep.delete.title") }),
    h("p", { id: "delete-body", text: t("keep.delete.body") }),
    h("div", { class: "actions" }, [exportFirst, go, h("span", { class: "spacer" }), cancel]),
  );
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

/**
 * The read-only page of one version: /w/{id}/v/{version}.
 * @param {HTMLElement} main @param {string} workshopId @param {string} versionId
 */
export async function renderVersion(main, workshopId, versionId) {
  const access = readAccess(workshopId);
  const answer = access
    ? await fetch(`/api/workshops/${workshopId}/versions/${versionId}`, authed(access.token))
    : null;
  if (!answer?.ok) {
    main.replaceChildren(
      h("section", { class: "card narrow" }, [
        h("h2", { text: answer ? await failure(answer) : t("error.noaccess") }),
        h("a", { class: "btn primary", href: "/", text: t("home.link") }),
      ]),
    );
    document.documentElement.dataset.phase = "error";
    return;
  }
  const { version, workshop } = await answer.json();
  let persona = workshop.personas[0]?.id ?? "";
  let stageIndex = 0;
  let target = false;
  const gridRoot = h("div", { class: "journey-grid" });
  const noop = () => {};
  const view = new BoardView(gridRoot, {
    onAdd: noop,
    onOpen: noop,
    onKeyMove: noop,
    onStage: noop,
    onAddStage: noop,
    onLane: noop,
    onAddLane: noop,
    onMoments: noop,
    onPersona: (id) => {
      persona = id;
      draw();
    },
    onStageIndex: (i) => {
      stageIndex = i;
      draw();
    },
    switcher: (on) => journeySwitch(on, (wanted) => {
      target = wanted;
      draw();
    }),
  });
  const narrow = matchMedia("(max-width: 720px)");
  function draw() {
    view.render(workshop, {
      persona,
      facilitator: false,
      narrow: narrow.matches,
      stageIndex,
      pending: new Set(),
      me: "",
      readOnly: true,
      target,
      answered: answeredIrritants(workshop, persona),
    });
  }
  const title = /** @type {HTMLElement} */ (document.getElementById("workshop-title"));
  title.textContent = workshop.title;
  main.replaceChildren(
    h("section", { class: "keep-banner", role: "status" }, [
      h("p", { text: `${t("keep.version.readonly", { time: when(version.at) })} ${reasonText(version)}` }),
      h("a", { class: "btn primary", href: `/w/${workshopId}`, text: t("keep.version.back") }),
    ]),
    gridRoot,
  );
  draw();
  narrow.addEventListener("change", draw);
  document.documentElement.dataset.phase = "version";
}
