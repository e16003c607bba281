// The left rail: the app's four places, always in the same spot on every
// screen (the inbox with its open and overdue counts, Gaps, Insights,
// Settings). Narrow windows show the icons only; the labels stay for screen
// readers and as tooltips.
import { useState } from "react";
import type { WorkspaceSummary } from "../bindings";
import { setTheme, storedTheme, type ThemeChoice } from "../lib/theme";

export type Screen = "inbox" | "gaps" | "insights" | "settings";

type Props = {
  screen: Screen;
  workspaces: WorkspaceSummary[];
  onNavigate: (screen: Screen) => void;
};

const ITEMS: { screen: Screen; label: string; icon: string; testId: string; title: string }[] = [
  { screen: "inbox", label: "Inbox", icon: "✉", testId: "nav-inbox", title: "Inbox" },
  { screen: "gaps", label: "Gaps", icon: "☑", testId: "nav-gaps", title: "Content gaps: what the bot could not answer" },
  { screen: "insights", label: "Insights", icon: "◔", testId: "nav-insights", title: "Insights: the month in figures" },
  { screen: "settings", label: "Settings", icon: "⚙", testId: "open-settings", title: "Settings" },
];

export function NavRail({ screen, workspaces, onNavigate }: Props) {
  const open = workspaces.reduce((n, w) => n + w.open, 0);
  const overdue = workspaces.reduce((n, w) => n + w.overdue, 0);
  return (
    <nav className="rail" aria-label="Main">
      <div className="rail-brand" aria-hidden="true" title="Handoff Desk">
        <span className="rail-logo">H</span>
        <span className="rail-label">Handoff Desk</span>
      </div>
      <ul className="rail-items">
        {ITEMS.map((item) => (
          <li key={item.screen}>
            <button
              type="button"
              className={`rail-item${screen === item.screen ? " current" : ""}`}
              data-testid={item.testId}
              aria-current={screen === item.screen ? "page" : undefined}
              title={item.title}
              onClick={() => onNavigate(item.screen)}
            >
              <span className="rail-icon" aria-hidden="true">
                {item.icon}
              </span>
              <span className="rail-label">{item.label}</span>
              {item.screen === "inbox" && open > 0 && (
                <span
                  className={`rail-count${overdue > 0 ? " overdue" : ""}`}
                  data-testid="nav-inbox-count"
                  aria-label={overdue > 0 ? `${open} open, ${overdue} overdue` : `${open} open`}
                >
                  {open}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <ThemeButton />
    </nav>
  );
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const THEME_LABEL: Record<ThemeChoice, string> = { system: "Theme: as the system", light: "Theme: light", dark: "Theme: dark" };
const THEME_ICON: Record<ThemeChoice, string> = { system: "◐", light: "☀", dark: "☾" };

/** Light, dark, or as the system: one button at the rail's foot cycles them. */
function ThemeButton() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <button
      type="button"
      className="rail-item rail-theme"
      data-testid="theme-toggle"
      data-choice={choice}
      title={`${THEME_LABEL[choice]} (click to change)`}
      onClick={() => {
        const next = NEXT[choice];
        setTheme(next);
        setChoice(next);
      }}
    >
      <span className="rail-icon" aria-hidden="true">
        {THEME_ICON[choice]}
      </span>
      <span className="rail-label">{THEME_LABEL[choice]}</span>
    </button>
  );
}
