// @ts-check
// The pages around the board: home (create or join), the join page, and "your workshop is ready".
import { currentLang, errorText, t } from "./i18n.js";
import { Limits } from "./protocol.js";
import { copyRow } from "./dialogs.js";
import { h } from "./render.js";

/** @typedef {{token: string, title?: string, at?: number}} Access */

/** @param {string} workshop @returns {Access | null} */
export function readAccess(workshop) {
  try {
    return JSON.parse(localStorage.getItem(`parcours:access:${workshop}`) || "null");
  } catch {
    return null;
  }
}

/** @param {string} workshop @param {Partial<Access>} access */
export function saveAccess(workshop, access) {
  const old = readAccess(workshop) || {};
  localStorage.setItem(`parcours:access:${workshop}`, JSON.stringify({ ...old, ...access, at: Date.now() }));
}

/** @param {string} url @param {unknown} body */
async function post(url, body) {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await answer.json().catch(() => ({ code: answer.status >= 500 ? "unavailable" : "unknown" }));
  if (!answer.ok) throw new Refusal(data.code ?? "unknown");
  return data;
}

/** A refusal from the server, by its stable code (the sentence is the board's, in its language). */
class Refusal extends Error {
  /** @param {string} code */
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/** @param {unknown} failure @param {string} context */
function refusalText(failure, context) {
  return errorText(failure instanceof Refusal ? failure.code : "unavailable", context);
}

/** @param {HTMLElement} box @param {string} message */
function showError(box, message) {
  box.textContent = message;
  box.hidden = !message;
}

/** @param {HTMLElement} main */
export async function renderHome(main) {
  document.title = "Parcours";
  main.replaceChildren();
  const intro = h("section", { class: "intro" }, [
    h("h1", { class: "hero", text: "Parcours" }),
    h("p", { class: "lead", text: t("app.tagline") }),
  ]);

  // Create
  const title = h("input", { type: "text", name: "title", required: "", maxlength: String(Limits.WORKSHOP_TITLE_MAX), placeholder: t("home.title.placeholder"), id: "create-title" });
  const template = h("select", { name: "template", id: "create-template" });
  const name = h("input", { type: "text", name: "name", maxlength: String(Limits.NAME_MAX), id: "create-name", autocomplete: "name" });
  const createError = h("p", { class: "error", role: "alert", hidden: "" });
  const create = h("form", { class: "card", id: "create-form" }, [
    h("h2", { text: t("home.create.title") }),
    h("p", { class: "hint", text: t("home.create.help") }),
    h("div", { class: "field" }, [h("label", { for: "create-title", text: t("home.title") }), title]),
    h("div", { class: "field" }, [h("label", { for: "create-template", text: t("home.template") }), template]),
    h("div", { class: "field" }, [h("label", { for: "create-name", text: t("home.name") }), name]),
    createError,
    h("button", { type: "submit", class: "btn primary wide", text: t("home.create") }),
  ]);
  create.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(createError, "");
    try {
      const made = await post("/api/workshops", {
        title: title.value, template: template.value, lang: currentLang(), name: name.value,
      });
      saveAccess(made.workshop, { token: made.token, title: title.value });
      renderCreated(main, made);
    } catch (error) {
      showError(createError, refusalText(error, "create"));
    }
  });

  // Join
  const code = h("input", { type: "text", name: "code", required: "", id: "join-code", autocomplete: "off", autocapitalize: "characters", inputmode: "text", maxlength: "12", spellcheck: "false" });
  const join = h("form", { class: "card", id: "join-form" }, [
    h("h2", { text: t("home.join.title") }),
    h("p", { class: "hint", text: t("home.join.help") }),
    h("div", { class: "field" }, [h("label", { for: "join-code", text: t("home.code") }), code]),
    h("button", { type: "submit", class: "btn wide", text: t("home.join") }),
  ]);
  join.addEventListener("submit", (event) => {
    event.preventDefault();
    const cleaned = code.value.replace(/[\s-]/g, "").toUpperCase();
    if (cleaned) location.assign(`/j/${encodeURIComponent(cleaned)}`);
  });

  const file = h("input", { type: "file", id: "import-file", accept: "application/json,.json", required: "" });
  const importError = h("p", { class: "error", role: "alert", hidden: "" });
  const restore = h("form", { class: "card", id: "import-form" }, [
    h("h2", { text: t("import.title") }),
    h("p", { class: "hint", text: t("import.help") }),
    h("div", { class: "field" }, [h("label", { for: "import-file", text: t("import.file") }), file]),
    importError,
    h("button", { type: "submit", class: "btn wide", text: t("import.go") }),
  ]);
  restore.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(importError, "");
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      const answer = await fetch("/api/import", { method: "POST", headers: { "content-type": "application/json" }, body: await chosen.text() });
      const made = await answer.json().catch(() => ({ code: "invalid" }));
      if (!answer.ok) throw new Refusal(made.code ?? "invalid");
      saveAccess(made.workshop, { token: made.token });
      renderCreated(main, made);
    } catch (error) {
      showError(importError, refusalText(error, "import"));
    }
  });

  const cards = h("div", { class: "cards" }, [create, join, restore]);
  main.append(intro, cards, recent());
  try {
    const answer = await fetch(`/api/templates?lang=${currentLang()}`);
    for (const item of await answer.json()) {
      template.append(h("option", { value: item.name, text: item.label }));
    }
  } catch {
    template.append(h("option", { value: "blank", text: "Blank" }));
  }
  document.documentElement.dataset.phase = "home";
}

function recent() {
  /** @type {{id: string, title: string, at: number}[]} */
  const found = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const key = localStorage.key(i) || "";
    if (!key.startsWith("parcours:access:")) continue;
    const id = key.slice("parcours:access:".length);
    const access = readAccess(id);
    if (access) found.push({ id, title: access.title || id, at: access.at || 0 });
  }
  const section = h("section", { class: "recent" });
  if (!found.length) return section;
  found.sort((a, b) => b.at - a.at);
  section.append(h("h2", { text: t("home.recent") }));
  const list = h("ul");
  for (const item of found.slice(0, 8)) {
    list.append(h("li", {}, [h("a", { href: `/w/${item.id}`, text: item.title })]));
  }
  section.append(list);
  return section;
}

/**
 * @param {HTMLElement} main
 * @param {{workshop: string, code: string, token: string, board: string, join: string}} made
 */
function renderCreated(main, made) {
  const origin = location.origin;
  const open = h("a", { class: "btn primary wide", href: made.board, id: "open-board", text: t("created.open") });
  main.replaceChildren(
    h("section", { class: "card created" }, [
      h("h2", { text: t("created.title") }),
      copyRow(t("created.facilitator"), origin + made.board),
      h("p", { class: "label", text: t("created.participants") }),
      h("p", { class: "big-code", id: "created-code", text: made.code }),
      copyRow(t("menu.share.link"), origin + made.join),
      h("img", { class: "qr", src: `/api/join/${made.code}/qr.svg`, alt: `QR code: ${origin}${made.join}`, width: "200", height: "200" }),
      open,
    ]),
  );
  open.focus();
  document.documentElement.dataset.phase = "created";
}

/** @param {HTMLElement} main @param {string} code */
export function renderJoin(main, code) {
  document.title = `${t("join.title")} · Parcours`;
  const name = h("input", { type: "text", required: "", maxlength: String(Limits.NAME_MAX), id: "join-name", autocomplete: "nickname" });
  name.value = localStorage.getItem("parcours:name") || "";
  const error = h("p", { class: "error", role: "alert", hidden: "" });
  const form = h("form", { class: "card narrow", id: "name-form" }, [
    h("h2", { text: t("join.title") }),
    h("p", { class: "big-code", text: code }),
    h("div", { class: "field" }, [h("label", { for: "join-name", text: t("join.name") }), name]),
    h("p", { class: "hint", text: t("join.help") }),
    error,
    h("button", { type: "submit", class: "btn primary wide", text: t("join.go") }),
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(error, "");
    try {
      const joined = await post("/api/join", { code, name: name.value });
      localStorage.setItem("parcours:name", name.value.trim());
      saveAccess(joined.workshop, { token: joined.token });
      location.assign(`/w/${joined.workshop}`);
    } catch (failure) {
      showError(error, refusalText(failure, "join"));
    }
  });
  main.replaceChildren(form);
  name.focus();
  document.documentElement.dataset.phase = "join";
}
