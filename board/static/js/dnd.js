// @ts-check
// Drag and drop of notes with Pointer Events: the mouse drags at once, a finger after a short
// press (so a swipe still scrolls the page). The drop is a `note.move`; the board shows the
// result only when the server has decided it.

const THRESHOLD = 6;
const LONG_PRESS_MS = 280;

/**
 * @param {HTMLElement} root
 * @param {(noteId: string, stage: string, lane: string, index: number) => void} onDrop
 */
export function enableDragAndDrop(root, onDrop) {
  /** @type {null | {el: HTMLElement, id: string, x: number, y: number, pointer: number,
   *   touch: boolean, armed: boolean, dragging: boolean, timer: number,
   *   ghost: HTMLElement | null, marker: HTMLElement | null,
   *   target: null | {stage: string, lane: string, index: number}}} */
  let drag = null;

  root.addEventListener("pointerdown", (event) => {
    const el = /** @type {HTMLElement | null} */ (
      /** @type {HTMLElement} */ (event.target).closest?.(".note")
    );
    if (!el || event.button !== 0 || !el.dataset.note) return;
    const touch = event.pointerType !== "mouse";
    drag = {
      el, id: el.dataset.note, x: event.clientX, y: event.clientY, pointer: event.pointerId,
      touch, armed: !touch, dragging: false, timer: 0, ghost: null, marker: null, target: null,
    };
    delete el.dataset.dragged;
    if (touch) {
      const current = drag;
      current.timer = window.setTimeout(() => {
        current.armed = true;
        current.el.classList.add("armed");
        navigator.vibrate?.(15);
      }, LONG_PRESS_MS);
    }
  });

  root.addEventListener("pointermove", (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const far = Math.hypot(event.clientX - drag.x, event.clientY - drag.y) > THRESHOLD;
    if (!drag.dragging) {
      if (!far) return;
      if (!drag.armed) {
        cancel(); // a finger that moves before the long press is a scroll
        return;
      }
      start(event);
    }
    move(event);
  });

  root.addEventListener("pointerup", (event) => {
    if (!drag || event.pointerId !== drag.pointer) return;
    const done = drag;
    if (done.dragging && done.target) {
      done.el.dataset.dragged = "1";
      onDrop(done.id, done.target.stage, done.target.lane, done.target.index);
    } else if (done.dragging) {
      done.el.dataset.dragged = "1";
    }
    cancel();
  });
  root.addEventListener("pointercancel", () => cancel());
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drag?.dragging) cancel();
  });
  // While a finger drags, the page must not scroll under it.
  document.addEventListener(
    "touchmove",
    (event) => {
      if (drag?.armed) event.preventDefault();
    },
    { passive: false },
  );
  root.addEventListener("contextmenu", (event) => {
    if (drag?.touch) event.preventDefault();
  });

  /** @param {PointerEvent} event */
  function start(event) {
    if (!drag) return;
    drag.dragging = true;
    drag.el.setPointerCapture?.(event.pointerId);
    const ghost = /** @type {HTMLElement} */ (drag.el.cloneNode(true));
    ghost.classList.add("ghost");
    ghost.removeAttribute("data-note");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${drag.el.offsetWidth}px`;
    document.body.append(ghost);
    drag.ghost = ghost;
    drag.marker = document.createElement("li");
    drag.marker.className = "drop-marker";
    drag.marker.setAttribute("aria-hidden", "true");
    drag.el.classList.add("dragging");
    document.documentElement.classList.add("is-dragging");
  }

  /** @param {PointerEvent} event */
  function move(event) {
    if (!drag?.ghost || !drag.marker) return;
    drag.ghost.style.transform = `translate(${event.clientX + 8}px, ${event.clientY + 8}px)`;
    drag.ghost.hidden = true;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    drag.ghost.hidden = false;
    const cell = /** @type {HTMLElement | null} */ (under?.closest?.("td.cell") ?? null);
    if (!cell?.dataset.stage || !cell.dataset.lane) {
      drag.target = null;
      drag.marker.remove();
      return;
    }
    const list = /** @type {HTMLElement} */ (cell.querySelector("ul.notes"));
    const items = [...list.querySelectorAll(":scope > li.note-item")].filter(
      (li) => /** @type {HTMLElement} */ (li).dataset.note !== drag?.id,
    );
    let index = items.length;
    for (let i = 0; i < items.length; i += 1) {
      const box = items[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        index = i;
        break;
      }
    }
    drag.target = { stage: cell.dataset.stage, lane: cell.dataset.lane, index };
    list.insertBefore(drag.marker, items[index] ?? null);
  }

  function cancel() {
    if (!drag) return;
    clearTimeout(drag.timer);
    drag.el.classList.remove("dragging", "armed");
    drag.ghost?.remove();
    drag.marker?.remove();
    document.documentElement.classList.remove("is-dragging");
    const el = drag.el;
    drag = null;
    // The click that follows a drag must not open the editor.
    setTimeout(() => delete el.dataset.dragged, 0);
  }
}
