// Start-up marks for the desktop benchmark's timeline (scripts/bench-desktop):
// the steps inside the window before its first inbox paint, as wall-clock
// times (ms since the Unix epoch) the shell prints beside its own steps.
// Navigation and resource timing come from the browser's own Performance API
// (W3C Navigation Timing Level 2, Resource Timing); `mark` adds our steps.

/** A start-up step happened now (a no-op where the Performance API is absent). */
export function startupMark(name: string) {
  if (typeof performance !== "undefined" && typeof performance.mark === "function") performance.mark(name);
}

/** Every step seen so far: [name, ms since the Unix epoch], in time order. */
export function startupMarks(): [string, number][] {
  if (typeof performance === "undefined" || typeof performance.getEntriesByType !== "function") return [];
  const origin = performance.timeOrigin;
  const out: [string, number][] = [];
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    out.push(["html-fetched", origin + nav.responseEnd]);
    out.push(["dom-interactive", origin + nav.domInteractive]);
  }
  for (const r of performance.getEntriesByType("resource") as PerformanceResourceTiming[]) {
    const file = r.name.split("/").pop() ?? "";
    if (/^index-.*\.(js|css)$/.test(file)) out.push([`fetched-${file.endsWith(".js") ? "js" : "css"}`, origin + r.responseEnd]);
  }
  for (const m of performance.getEntriesByType("mark")) out.push([m.name, origin + m.startTime]);
  return out.sort((a, b) => a[1] - b[1]);
}
