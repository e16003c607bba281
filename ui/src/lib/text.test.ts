import { describe, expect, it } from "vitest";
import { forDisplay, MAX_BLANKS } from "./text";

describe("forDisplay", () => {
  it("leaves ordinary text alone", () => {
    const t = "Hi,\n  do you ship to Norway?  Thanks";
    expect(forDisplay(t)).toBe(t);
  });

  it("turns tabs into spaces and caps long runs of blanks", () => {
    expect(forDisplay("a\tb")).toBe("a    b");
    const out = forDisplay(`start${"\t".repeat(4000)}end`);
    expect(out).toBe(`start${" ".repeat(MAX_BLANKS)}end`);
  });
});
