import { useEffect, useState } from "react";
import type { WorkspaceSummary } from "../bindings";

/** This month as YYYY-MM, in local time. */
export function currentMonth(now: Date = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

/** The last complete month as YYYY-MM, in local time. */
export function lastMonth(now: Date = new Date()): string {
  return currentMonth(new Date(now.getFullYear(), now.getMonth() - 1, 1));
}

/** "November 2026"; the current month reads "December 2026 so far". */
export function monthLabel(month: string, now: Date = new Date()): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, 1);
  const name = date.toLocaleDateString("en-GB", { month: "long", year: "numeric" });
  return month === currentMonth(now) ? `${name} so far` : name;
}

/**
 * The workspace and month a per-month screen (gaps, insights) shows: the
 * first workspace once the list arrives, and the last complete month (the
 * current one, partial, is one click away and labelled "so far", so a figure
 * is never three days compared with thirty).
 */
export function useWorkspaceMonth(workspaces: WorkspaceSummary[]) {
  const [workspace, setWorkspace] = useState(workspaces[0]?.slug ?? "");
  const [month, setMonth] = useState(lastMonth());
  useEffect(() => {
    const first = workspaces[0];
    if (workspace === "" && first) setWorkspace(first.slug);
  }, [workspace, workspaces]);
  const ready = workspace !== "" && /^\d{4}-\d{2}$/.test(month);
  return { workspace, setWorkspace, month, setMonth, ready };
}
