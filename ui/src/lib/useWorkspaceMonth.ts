import { useEffect, useState } from "react";
import type { WorkspaceSummary } from "../bindings";

/** This month as YYYY-MM, in local time. */
export function currentMonth(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

/**
 * The workspace and month a per-month screen (gaps, insights) shows: the
 * first workspace once the list arrives, this month to start with.
 */
export function useWorkspaceMonth(workspaces: WorkspaceSummary[]) {
  const [workspace, setWorkspace] = useState(workspaces[0]?.slug ?? "");
  const [month, setMonth] = useState(currentMonth());
  useEffect(() => {
    const first = workspaces[0];
    if (workspace === "" && first) setWorkspace(first.slug);
  }, [workspace, workspaces]);
  const ready = workspace !== "" && /^\d{4}-\d{2}$/.test(month);
  return { workspace, setWorkspace, month, setMonth, ready };
}
