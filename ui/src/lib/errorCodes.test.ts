// The window decides by an error's typed code (bindings/ErrorCode.ts), never
// by its words: this reads every source file of the window (tests and the
// generated bindings aside) and fails on a comparison, a substring search or a
// regular-expression test of a `message`. The checker is itself tried on
// samples first, so it cannot pass by matching nothing.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["../**/*.{ts,tsx}", "!../**/*.test.{ts,tsx}", "!../bindings/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const FORBIDDEN: RegExp[] = [
  // (`typeof x.message === "string"` checks a shape, not the words)
  /(?<!typeof\s+[\w.?]+)\.message\b\s*(===|!==|==|!=|<|>)/,
  /(===|!==|==|!=)\s*[\w.?!()]*\.message\b/,
  /\.message\b[\w.?!()]*\.(includes|startsWith|endsWith|match|matchAll|search|indexOf|lastIndexOf|localeCompare|split|replace)\s*\(/,
  /\.(test|exec)\(\s*[\w.?!()]*\.message\b/,
  /switch\s*\(\s*[\w.?!()]*\.message\b/,
];

/** The lines of `text` that decide something by an error message's words. */
function offences(text: string): string[] {
  return text.split("\n").filter((line) => FORBIDDEN.some((re) => re.test(line)));
}

describe("no decision on an error message's words", () => {
  it("the checker catches each way of reading a message", () => {
    const bad = [
      'if (err.message === "no such workspace") return;',
      'if ("locked" !== e.message) return;',
      'const gone = error.message.includes("not found");',
      'const gone = AppError.from(e).message.toLowerCase().startsWith("no ");',
      "if (/keychain/i.test(err.message)) showBanner();",
      "switch (err.message) {",
    ];
    for (const line of bad) expect(offences(line), line).toEqual([line]);
    const fine = [
      "if (err.code === \"keychain_missing\") showBanner();",
      "<p className=\"error-message\">{AppError.from(list.error).message}</p>",
      "onError: (err) => setOutcome({ state: \"error\", text: err.message }),",
      'return typeof v.code === "string" && typeof v.message === "string";',
    ];
    for (const line of fine) expect(offences(line), line).toEqual([]);
  });

  it("no window source file compares, searches or pattern-matches a message", () => {
    const files = Object.keys(sources);
    // The whole window is read (ipc.ts, the features, the app shell).
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain("../ipc.ts");
    const found = files.flatMap((file) => offences(sources[file] ?? "").map((line) => `${file}: ${line.trim()}`));
    expect(found).toEqual([]);
  });
});
