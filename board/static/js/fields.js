// @ts-check
// Text fields shared by many people: saved after a pause in typing or on leaving the field, and
// never overwritten while someone types in them (they take the room's value once left).

const SAVE_AFTER_MS = 600;

/**
 * @param {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} control
 * @param {(value: string) => void} save
 */
export function bindField(control, save) {
  let timer = 0;
  const flush = () => {
    clearTimeout(timer);
    if (control.dataset.server === control.value) return;
    control.dataset.server = control.value;
    save(control.value);
  };
  control.addEventListener("input", () => {
    clearTimeout(timer);
    timer = window.setTimeout(flush, SAVE_AFTER_MS);
  });
  control.addEventListener("change", flush);
  control.addEventListener("blur", flush);
}

/**
 * Show the room's value, unless the person is typing in this very field.
 * @param {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} control
 * @param {string} value
 */
export function syncField(control, value) {
  if (document.activeElement === control && control.dataset.server !== undefined) return;
  if (control.value !== value) control.value = value;
  control.dataset.server = value;
}
