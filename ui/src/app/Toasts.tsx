// Toasts: one line saying what just happened, with an optional action
// (Undo) beside it. They leave by themselves after a while; an action toast
// stays a little longer so there is time to reach for Undo.
import { useCallback, useEffect, useRef, useState } from "react";

/** A button on a toast ("Undo"): runs once, then the toast goes. */
export type ToastAction = { label: string; run: () => void };
export type Toast = { id: number; text: string; action?: ToastAction };

const AUTO_DISMISS_MS = 12_000;
const MAX_TOASTS = 4;

export type PushToast = (text: string, action?: ToastAction) => void;

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, number>());

  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer !== undefined) window.clearTimeout(timer);
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const push: PushToast = useCallback(
    (text: string, action?: ToastAction) => {
      const id = nextId.current++;
      setToasts((list) => [...list, { id, text, action }].slice(-MAX_TOASTS));
      timers.current.set(
        id,
        window.setTimeout(() => dismiss(id), AUTO_DISMISS_MS),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const map = timers.current;
    return () => {
      map.forEach((t) => window.clearTimeout(t));
      map.clear();
    };
  }, []);

  return { toasts, push, dismiss };
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-testid="toast" role="status">
          <span className="toast-text">{t.text}</span>
          {t.action && (
            <button
              type="button"
              className="button small toast-action"
              data-testid="toast-action"
              onClick={() => {
                onDismiss(t.id);
                t.action?.run();
              }}
            >
              {t.action.label}
            </button>
          )}
          <button type="button" className="button ghost small" aria-label="Dismiss" onClick={() => onDismiss(t.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
