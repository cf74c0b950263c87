// @ts-check
// The restitution menu (facilitator only): download the workshop in every format, at any time.
// The token travels in an Authorization header, so downloads go through fetch and a blob.
import { currentLang, t } from "./i18n.js";
import { h } from "./render.js";

const FORMATS = [
  ["pack", "export.pack"],
  ["pdf", "export.pdf"],
  ["html", "export.html"],
  ["xlsx", "export.xlsx"],
  ["csv", "export.csv"],
  ["svg", "export.svg"],
  ["png", "export.png"],
  ["json", "export.json"],
];

/** @param {Response} answer @param {string} fallback */
function fileName(answer, fallback) {
  const header = answer.headers.get("content-disposition") ?? "";
  const utf = header.match(/filename\*=UTF-8''([^;]+)/);
  if (utf) return decodeURIComponent(utf[1]);
  const plain = header.match(/filename="([^"]+)"/);
  return plain ? plain[1] : fallback;
}

/**
 * @param {string} workshop @param {string} token @param {(message: string) => void} toast
 * @param {string} [version] a saved version to export instead of the live board
 */
export function showExports(workshop, token, toast, version = "") {
  const opener = /** @type {HTMLElement | null} */ (document.activeElement);
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "export-title" });
  const lang = h("select", { id: "export-lang" }, [
    h("option", { value: "en", text: "English" }),
    h("option", { value: "fr", text: "Français" }),
  ]);
  lang.value = currentLang();
  const anonymise = h("input", { type: "checkbox", id: "export-anonymise" });
  const privateNotes = h("input", { type: "checkbox", id: "export-private" });
  const status = h("p", { class: "hint", role: "status", "aria-live": "polite" });
  const list = h("div", { class: "export-list" });
  for (const [format, key] of FORMATS) {
    const kind = format === "pack" ? "btn primary" : "btn";
    const button = h("button", { type: "button", class: kind, "data-format": format, text: t(/** @type {any} */ (key)) });
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = t("export.preparing");
      try {
        const query = new URLSearchParams({ lang: lang.value });
        if (anonymise.checked) query.set("anonymise", "1");
        if (version) query.set("version", version);
        if (privateNotes.checked) query.set("private", "1");
        const answer = await fetch(`/api/workshops/${workshop}/export/${format}?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!answer.ok) {
          const problem = await answer.json().catch(() => ({ message: answer.statusText }));
          throw new Error(problem.message);
        }
        const blob = await answer.blob();
        const url = URL.createObjectURL(blob);
        const link = h("a", { href: url, download: fileName(answer, `workshop.${format}`) });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
        status.textContent = t("export.done");
      } catch (error) {
        status.textContent = "";
        toast(String(/** @type {Error} */ (error).message));
      } finally {
        button.disabled = false;
      }
    });
    list.append(button);
  }
  const close = h("button", { type: "button", class: "btn primary", text: t("menu.close") });
  close.addEventListener("click", () => dialog.close());
  dialog.append(
    h("h2", { id: "export-title", text: t("export.title") }),
    h("p", { class: "hint", text: t("export.help") }),
    h("div", { class: "row two" }, [
      h("div", { class: "field" }, [h("label", { for: "export-lang", text: t("export.lang") }), lang]),
      h("div", { class: "check" }, [anonymise, h("label", { for: "export-anonymise", text: t("export.anonymise") })]),
    ]),
    h("div", { class: "check" }, [privateNotes, h("label", { for: "export-private", text: t("export.private") })]),
    list,
    status,
    h("div", { class: "actions" }, [h("span", { class: "spacer" }), close]),
  );
  dialog.addEventListener("close", () => {
    dialog.remove();
    opener?.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}
