import { useEffect, useRef } from "react";

export type ShortcutHandlers = {
  next: () => void;
  previous: () => void;
  open: () => void;
  close: () => void;
  focusSearch: () => void;
  resolve: () => void;
};

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA";
}

function isActivatable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.tagName === "BUTTON" || target.tagName === "A");
}

/** Inbox keyboard: j / k / Enter / Escape / "/" / e. Ignored while typing, except Escape. */
export function useShortcuts(handlers: ShortcutHandlers) {
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      const h = ref.current;
      if (e.key === "Escape") {
        h.close();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target)) return;
      switch (e.key) {
        case "j":
          e.preventDefault();
          h.next();
          break;
        case "k":
          e.preventDefault();
          h.previous();
          break;
        case "Enter":
          // Let a focused button or link do its own thing.
          if (isActivatable(e.target)) return;
          e.preventDefault();
          h.open();
          break;
        case "/":
          e.preventDefault();
          h.focusSearch();
          break;
        case "e":
          e.preventDefault();
          h.resolve();
          break;
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
