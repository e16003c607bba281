import { act, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_FILTERS, INBOX_PAGE, SEARCH_DEBOUNCE_MS, useInboxFilters } from "./useInboxFilters";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("useInboxFilters", () => {
  it("starts from the documented defaults", () => {
    const { result } = renderHook(() => useInboxFilters());
    expect(result.current.query).toEqual({
      workspace: null,
      reason: null,
      status: null,
      overdueOnly: false,
      search: null,
      limit: INBOX_PAGE,
      offset: 0,
    });
    expect(result.current.isFiltered).toBe(false);
  });

  it("applies search 250 ms after typing stops", () => {
    const { result } = renderHook(() => useInboxFilters());
    act(() => result.current.setSearchText("ref"));
    act(() => void vi.advanceTimersByTime(200));
    act(() => result.current.setSearchText("refund"));
    act(() => void vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1));
    expect(result.current.query.search).toBeNull();
    act(() => void vi.advanceTimersByTime(1));
    expect(result.current.query.search).toBe("refund");
  });

  it("applies search at once on commit (Enter) and treats blank as no search", () => {
    const { result } = renderHook(() => useInboxFilters());
    act(() => result.current.setSearchText("  invoice  "));
    act(() => result.current.commitSearch());
    expect(result.current.query.search).toBe("invoice");
    act(() => result.current.setSearchText("   "));
    act(() => result.current.commitSearch());
    expect(result.current.query.search).toBeNull();
  });

  it("clears every filter", () => {
    const { result } = renderHook(() => useInboxFilters());
    act(() => result.current.update({ workspace: "acme", reason: "other", status: "lost", overdueOnly: true }));
    act(() => result.current.setSearchText("x"));
    act(() => void vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS));
    expect(result.current.isFiltered).toBe(true);
    act(() => result.current.clear());
    expect(result.current.filters).toEqual(DEFAULT_FILTERS);
    expect(result.current.searchText).toBe("");
    expect(result.current.isFiltered).toBe(false);
  });
});
