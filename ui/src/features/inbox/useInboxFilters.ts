import { useCallback, useEffect, useMemo, useState } from "react";
import type { InboxQuery, Reason, Status } from "../../bindings";

/** Rows per page: the first page paints at once, the next load as the list nears its end. */
export const INBOX_PAGE = 500;

/** How long typing must pause before the search applies. */
export const SEARCH_DEBOUNCE_MS = 250;

export type InboxFilters = {
  workspace: string | null;
  reason: Reason | null;
  status: Status | null;
  overdueOnly: boolean;
  search: string | null;
};

export const DEFAULT_FILTERS: InboxFilters = {
  workspace: null,
  reason: null,
  status: null,
  overdueOnly: false,
  search: null,
};

export function toQuery(filters: InboxFilters): InboxQuery {
  return { ...filters, limit: INBOX_PAGE, offset: 0 };
}

function normaliseSearch(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

export type InboxFiltersApi = {
  filters: InboxFilters;
  query: InboxQuery;
  searchText: string;
  setSearchText: (text: string) => void;
  /** Apply the typed search now (Enter). */
  commitSearch: () => void;
  update: (patch: Partial<Omit<InboxFilters, "search">>) => void;
  clear: () => void;
  isFiltered: boolean;
};

export function useInboxFilters(): InboxFiltersApi {
  const [filters, setFilters] = useState<InboxFilters>(DEFAULT_FILTERS);
  const [searchText, setSearchText] = useState("");

  const commitSearch = useCallback(() => {
    const search = normaliseSearch(searchText);
    setFilters((f) => (f.search === search ? f : { ...f, search }));
  }, [searchText]);

  useEffect(() => {
    const timer = window.setTimeout(commitSearch, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [commitSearch]);

  const update = useCallback((patch: Partial<Omit<InboxFilters, "search">>) => {
    setFilters((f) => ({ ...f, ...patch }));
  }, []);

  const clear = useCallback(() => {
    setSearchText("");
    setFilters(DEFAULT_FILTERS);
  }, []);

  const query = useMemo(() => toQuery(filters), [filters]);
  const isFiltered =
    filters.workspace !== null ||
    filters.reason !== null ||
    filters.status !== null ||
    filters.overdueOnly ||
    filters.search !== null ||
    searchText.trim() !== "";

  return { filters, query, searchText, setSearchText, commitSearch, update, clear, isFiltered };
}
