import type { Ref } from "react";
import type { WorkspaceSummary } from "../../bindings";
import { isReason, isStatus, reasonLabel, REASONS, statusLabel, STATUSES } from "../../lib/labels";
import type { InboxFiltersApi } from "./useInboxFilters";

type Props = {
  api: InboxFiltersApi;
  workspaces: WorkspaceSummary[];
  searchRef: Ref<HTMLInputElement>;
};

/** The inbox's bar: one row of filters and the search, however narrow the window. */
export function TopBar({ api, workspaces, searchRef }: Props) {
  const { filters, update } = api;
  return (
    <header className="topbar">
      <h1 className="visually-hidden">Inbox</h1>
      <div className="filters" role="search">
        <label className="field">
          <span className="visually-hidden">Workspace</span>
          <select
            data-testid="workspace-filter"
            value={filters.workspace ?? ""}
            onChange={(e) => update({ workspace: e.target.value === "" ? null : e.target.value })}
          >
            <option value="">All workspaces</option>
            {workspaces.map((w) => (
              <option key={w.slug} value={w.slug}>
                {`${w.name} (${w.open} open)`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="visually-hidden">Reason</span>
          <select
            data-testid="reason-filter"
            value={filters.reason ?? ""}
            onChange={(e) => {
              const v = e.target.value;
              update({ reason: isReason(v) ? v : null });
            }}
          >
            <option value="">All reasons</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {reasonLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="visually-hidden">Status</span>
          <select
            data-testid="status-filter"
            value={filters.status ?? ""}
            onChange={(e) => {
              const v = e.target.value;
              update({ status: isStatus(v) ? v : null });
            }}
          >
            <option value="">All open</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field toggle" title="Only handoffs whose reply promise is past due">
          <input
            type="checkbox"
            data-testid="overdue-filter"
            checked={filters.overdueOnly}
            onChange={(e) => update({ overdueOnly: e.target.checked })}
          />
          <span>Overdue</span>
        </label>
        <label className="field search">
          <span className="visually-hidden">Search</span>
          <input
            ref={searchRef}
            type="search"
            data-testid="search"
            placeholder="Search handoffs  /"
            autoComplete="off"
            spellCheck={false}
            value={api.searchText}
            onChange={(e) => api.setSearchText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                api.commitSearch();
              }
            }}
          />
        </label>
      </div>
    </header>
  );
}
