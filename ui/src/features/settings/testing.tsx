// Helpers for the settings screen's tests.
import { screen, waitFor } from "@testing-library/react";
import { expect, vi } from "vitest";
import type { FakeBackend } from "../../test/fakeBackend";
import { renderWith } from "../../test/render";
import { SettingsScreen } from "./SettingsScreen";

export function renderSettings(backend: FakeBackend, props: { startWithNewWorkspace?: boolean } = {}) {
  const onBack = vi.fn();
  const result = renderWith(backend, <SettingsScreen onBack={onBack} {...props} />);
  return { ...result, onBack };
}

export function screenState(): string | null {
  return screen.getByTestId("settings-screen").getAttribute("data-state");
}

export async function ready() {
  await waitFor(() => expect(screenState()).toBe("ready"));
}

/** A promise the test settles by hand, to see a call's busy state. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

export function input(testId: string): HTMLInputElement {
  return screen.getByTestId(testId) as HTMLInputElement;
}
