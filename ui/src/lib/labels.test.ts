import { describe, expect, it } from "vitest";
import { reasonClass, reasonLabel, statusClass, statusLabel } from "./labels";

describe("labels", () => {
  it("labels known values", () => {
    expect(reasonLabel("human_request")).toBe("Asked for a person");
    expect(reasonLabel("high_intent")).toBe("Ready to buy");
    expect(statusLabel("awaiting_reply")).toBe("Awaiting reply");
  });

  it("handles values a newer backend might send", () => {
    expect(statusLabel("on_hold")).toBe("On hold");
    expect(statusClass("on_hold")).toBe("unknown");
    expect(reasonLabel("")).toBe("Unknown");
    expect(reasonClass("toString")).toBe("unknown");
    expect(statusLabel("constructor")).toBe("Constructor");
  });
});
