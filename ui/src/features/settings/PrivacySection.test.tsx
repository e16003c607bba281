import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { PrivacyView } from "../../bindings/PrivacyView";
import { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { PrivacySection } from "./PrivacySection";

const VIEW: PrivacyView = {
  form: { rawDays: 0, handoffMonths: 0, redact: false },
  backup: { daily: true, keep: 7 },
  backupFolder: "/home/dana/.local/share/desk.handoff.app/backups",
  lastBackup: null,
  encrypted: true,
  path: "/home/dana/.local/share/desk.handoff.app/handoff.db",
};

class PrivacyBackend extends FakeBackend {
  privacy = vi.fn(async (_w: string) => VIEW);
  savePrivacy = vi.fn(async (_w: string, form: PrivacyView["form"], backup: PrivacyView["backup"]) => ({ ...VIEW, form, backup }));
  applyRetention = vi.fn(async () => "Removed 3 raw original(s) and the personal data of 1 closed handoff(s).");
  backupNow = vi.fn(async () => "/backups/manual.db");
  exportHandoffs = vi.fn(async (_w: string | null, _f: "csv" | "jsonl") => "Exported 12 handoffs to /home/dana/Downloads/handoffs-acme.csv");
}

describe("the privacy settings", () => {
  it("saves retention, redaction and the backup count", async () => {
    const backend = new PrivacyBackend();
    renderWith(backend, <PrivacySection slug="acme" />);
    expect((await screen.findByTestId("privacy-encryption")).textContent).toContain("encrypted at rest");
    fireEvent.change(screen.getByTestId("privacy-raw-days"), { target: { value: "30" } });
    fireEvent.change(screen.getByTestId("privacy-handoff-months"), { target: { value: "6" } });
    fireEvent.click(screen.getByTestId("privacy-redact"));
    fireEvent.change(screen.getByTestId("privacy-keep"), { target: { value: "14" } });
    fireEvent.click(screen.getByTestId("privacy-save"));
    await waitFor(() =>
      expect(backend.savePrivacy).toHaveBeenCalledWith(
        "acme",
        { rawDays: 30, handoffMonths: 6, redact: true },
        { daily: true, keep: 14 },
      ),
    );
    expect((await screen.findByTestId("privacy-status")).textContent).toContain("Saved");
  });

  it("applies retention and exports on request, saying what happened", async () => {
    const backend = new PrivacyBackend();
    renderWith(backend, <PrivacySection slug="acme" />);
    fireEvent.click(await screen.findByTestId("privacy-apply"));
    await waitFor(() => expect(screen.getByTestId("privacy-status").textContent).toContain("Removed 3 raw"));
    fireEvent.click(screen.getByTestId("export-csv"));
    await waitFor(() => expect(screen.getByTestId("privacy-status").textContent).toContain("Exported 12 handoffs"));
    expect(backend.exportHandoffs).toHaveBeenCalledWith("acme", "csv");
  });

  it("says how to encrypt a plain file", async () => {
    const backend = new PrivacyBackend();
    backend.privacy.mockResolvedValue({ ...VIEW, encrypted: false });
    renderWith(backend, <PrivacySection slug="acme" />);
    expect((await screen.findByTestId("privacy-encryption")).textContent).toContain("handoff encrypt");
  });
});
