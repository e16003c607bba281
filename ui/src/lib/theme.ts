// Light or dark: the system's choice unless the user picked one (kept in
// localStorage, this window's own preference). The choice is applied as
// <html data-theme="light|dark">, which theme.css keys its colours on.

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "handoff-theme";

export function storedTheme(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

function systemDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/** Apply `choice` to the document now. */
export function applyTheme(choice: ThemeChoice = storedTheme()): void {
  const dark = choice === "dark" || (choice === "system" && systemDark());
  document.documentElement.dataset.theme = dark ? "dark" : "light";
}

/** Remember `choice` and apply it. */
export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === "system") window.localStorage.removeItem(KEY);
    else window.localStorage.setItem(KEY, choice);
  } catch {
    // Storage refused (private mode): the choice still applies to this window.
  }
  applyTheme(choice);
}

/** Apply the stored choice and follow the system while it is "system". */
export function watchTheme(): () => void {
  applyTheme();
  if (typeof window.matchMedia !== "function") return () => {};
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  const onChange = () => applyTheme();
  query.addEventListener?.("change", onChange);
  return () => query.removeEventListener?.("change", onChange);
}
