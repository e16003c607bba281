// Visitor text made safe to lay out. WebKit lays out a long run of tabs in
// wrapping, whitespace-preserving text in time that grows with the square of
// the run (one message of 4,000 tabs froze the window for 5 s): tabs become
// spaces, and a run of blanks longer than any layout needs is cut to that
// length. Nothing else changes; the stored text is untouched.

/** Longest run of blanks shown as it is. */
export const MAX_BLANKS = 16;

const RUN = new RegExp(`[ \\t]{${MAX_BLANKS + 1},}`, "g");

/** `text` with tabs as spaces and runs of blanks capped at MAX_BLANKS. */
export function forDisplay(text: string): string {
  if (text.indexOf("\t") < 0 && text.indexOf(" ".repeat(MAX_BLANKS + 1)) < 0) return text;
  return text.replace(/\t/g, "    ").replace(RUN, " ".repeat(MAX_BLANKS));
}
