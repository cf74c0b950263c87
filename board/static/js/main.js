// @ts-check
// Wires the page: picks the route, the language switch, help and toasts.
import { startBoard } from "./board.js";
import { renderHome, renderJoin } from "./home.js";
import { currentLang, setLang, t, translate } from "./i18n.js";
import { h } from "./render.js";
import { renderVersion } from "./versions.js";

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
const toasts = /** @type {HTMLElement} */ (document.getElementById("toasts"));

/** @param {string} message */
function toast(message) {
  const item = h("p", { class: "toast", text: message });
  toasts.append(item);
  setTimeout(() => item.remove(), 5000);
}

function route() {
  const path = location.pathname;
  const board = path.match(/^\/w\/([a-z0-9]+)\/?$/);
  const screen = path.match(/^\/w\/([a-z0-9]+)\/screen\/?$/);
  const join = path.match(/^\/j\/([A-Za-z0-9]+)\/?$/);
  const version = path.match(/^\/w\/([a-z0-9]+)\/v\/(v[0-9]+)\/?$/);
  if (version) {
    document.body.dataset.page = "version";
    renderVersion(main, version[1], version[2]);
  } else if (screen) {
    document.body.dataset.page = "screen";
    startBoard(main, screen[1], toast, "screen");
  } else if (board) {
    document.body.dataset.page = "board";
    startBoard(main, board[1], toast);
  } else if (join) {
    document.body.dataset.page = "join";
    renderJoin(main, join[1].toUpperCase());
  } else {
    document.body.dataset.page = "home";
    renderHome(main);
  }
}

/**
 * Close the open disclosure menus that do not hold `inside`.
 * @param {Node | null} inside @param {boolean} refocus give the focus back to its summary
 */
function closePopovers(inside, refocus) {
  for (const open of document.querySelectorAll("details.popover[open]")) {
    if (inside && open.contains(inside)) continue;
    open.removeAttribute("open");
    if (refocus && open.contains(document.activeElement)) /** @type {HTMLElement | null} */ (open.querySelector("summary"))?.focus();
  }
}

function wireHeader() {
  // On phones the header is one line: the tools open from the menu button.
  const menu = /** @type {HTMLButtonElement} */ (document.getElementById("menu-btn"));
  const tools = /** @type {HTMLElement} */ (document.getElementById("top-tools"));
  const setMenu = (/** @type {boolean} */ open) => {
    menu.setAttribute("aria-expanded", String(open));
    tools.classList.toggle("open", open);
  };
  menu.addEventListener("click", () => setMenu(menu.getAttribute("aria-expanded") !== "true"));
  tools.addEventListener("click", (event) => {
    if (/** @type {HTMLElement} */ (event.target).closest("button:not(#lang-btn), a")) setMenu(false);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && tools.classList.contains("open")) {
      setMenu(false);
      menu.focus();
    }
    if (event.key === "Escape") closePopovers(null, true);
  });
  // Little menus (who is done, more controls, who is online) close on a tap elsewhere.
  document.addEventListener("pointerdown", (event) => closePopovers(/** @type {Node} */ (event.target), false));
  const lang = /** @type {HTMLButtonElement} */ (document.getElementById("lang-btn"));
  lang.addEventListener("click", () => {
    setLang(currentLang() === "fr" ? "en" : "fr");
    translate();
    if (document.body.dataset.page !== "board") route();
  });
  const help = /** @type {HTMLButtonElement} */ (document.getElementById("help-btn"));
  help.addEventListener("click", () => {
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": "help-title" });
    const close = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
    close.addEventListener("click", () => dialog.close());
    dialog.append(
      h("h2", { id: "help-title", text: t("help.title") }),
      h("p", { text: t("help.body") }),
      h("div", { class: "actions" }, [h("span", { class: "spacer" }), close]),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      help.focus();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

translate();
wireHeader();
route();
