import { describe, expect, it } from "vitest";
import { displayPath, looksLikeEmail, mailtoHref, safeHttpUrl } from "./links";

describe("safeHttpUrl", () => {
  it("accepts http and https", () => {
    expect(safeHttpUrl("https://example.com/pricing?x=1")).toBe("https://example.com/pricing?x=1");
    expect(safeHttpUrl("http://example.com")).toBe("http://example.com/");
  });

  it("rejects everything else", () => {
    for (const bad of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox(1)",
      "file:///etc/passwd",
      "/relative/path",
      "example.com",
      "",
      null,
    ]) {
      expect(safeHttpUrl(bad)).toBeNull();
    }
  });
});

describe("displayPath", () => {
  it("shows the path of a web URL and raw text otherwise", () => {
    expect(displayPath("https://example.com/pricing?plan=pro")).toBe("/pricing?plan=pro");
    expect(displayPath("javascript:alert(1)")).toBe("javascript:alert(1)");
    expect(displayPath("not a url")).toBe("not a url");
  });
});

describe("email", () => {
  it("builds mailto only for plausible addresses", () => {
    expect(looksLikeEmail("ana@example.com")).toBe(true);
    expect(mailtoHref("ana+desk@example.co.uk")).toBe("mailto:ana%2Bdesk@example.co.uk");
    expect(mailtoHref("ana@example.com?subject=x")).toBeNull();
    expect(mailtoHref("not an email")).toBeNull();
    expect(mailtoHref("<a>@x.com")).toBeNull();
    expect(mailtoHref(null)).toBeNull();
  });
});
