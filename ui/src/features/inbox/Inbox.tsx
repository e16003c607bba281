import { useMutation, useQueryClient } from "@tanstack/react-query";
import { SignInButtons, type Provider } from "../settings/SignIn";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef } from "react";
import type { InboxRow } from "../../bindings";
import { AppError, useBackend } from "../../ipc";
import { InboxRowView } from "./InboxRowView";
import { ReparseBanner } from "./ReparseBanner";
import "./inbox.css";

export const ROW_HEIGHT = 64;
const estimateSize = () => ROW_HEIGHT;

export type InboxState = "loading" | "ready" | "empty" | "error";

type Props = {
  state: InboxState;
  rows: InboxRow[];
  total: number;
  errorMessage: string | null;
  onRetry: () => void;
  /** True when no workspace exists at all: show the first-run panel instead of "no match". */
  firstRun: boolean;
  /** Opens Settings with the new-workspace form (offered on the first-run panel),
   * then the mailbox sign-in with `signIn` when one was chosen. */
  onNewWorkspace?: (signIn?: Provider) => void;
  /** The demo was loaded from the first-run panel: what was made. */
  onDemoLoaded?: (text: string) => void;
  isFiltered: boolean;
  onClearFilters: () => void;
  selectedId: number | null;
  onChoose: (id: number) => void;
  /** The list scrolled near the last loaded row: load the next page, if any. */
  onNearEnd?: () => void;
  now: number;
  showWorkspace: boolean;
};

export function Inbox(props: Props) {
  const { state } = props;
  return (
    <section
      className="inbox"
      data-testid="inbox"
      data-state={state}
      aria-busy={state === "loading"}
      aria-label="Inbox"
    >
      <ReparseBanner onDone={props.onRetry} />
      {state === "error" ? (
        <ErrorPanel message={props.errorMessage} onRetry={props.onRetry} />
      ) : state === "empty" ? (
        props.firstRun ? (
          <FirstRunPanel onNewWorkspace={props.onNewWorkspace} onDemoLoaded={props.onDemoLoaded} />
        ) : (
          <EmptyPanel isFiltered={props.isFiltered} onClear={props.onClearFilters} />
        )
      ) : state === "loading" && props.rows.length === 0 ? (
        <SkeletonRows />
      ) : (
        <RowList {...props} />
      )}
    </section>
  );
}

/** Ask for the next page when this close to the last loaded row. */
const NEAR_END = 50;

function RowList({ rows, total, selectedId, onChoose, onNearEnd, now, showWorkspace, state }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Stable callbacks: the virtualiser rebuilds its per-row measurements whenever
  // getItemKey changes, which is costly at 100k rows, so only do it for new rows.
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? index, [rows]);
  const getScrollElement = useCallback(() => scrollRef.current, []);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    overscan: 8,
    getItemKey,
  });

  // Keep the selected row in view when the selection moves (j / k).
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  useEffect(() => {
    if (selectedId === null) return;
    const index = rowsRef.current.findIndex((r) => r.id === selectedId);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
  }, [selectedId, virtualizer]);

  const selectedVisible = selectedId !== null && rows.some((r) => r.id === selectedId);

  const items = virtualizer.getVirtualItems();
  const lastShown = items.length > 0 ? items[items.length - 1]!.index : -1;
  useEffect(() => {
    if (onNearEnd && rows.length < total && lastShown >= rows.length - NEAR_END) onNearEnd();
  }, [onNearEnd, lastShown, rows.length, total]);

  return (
    <>
      <div
        ref={scrollRef}
        className={`inbox-scroll${state === "loading" ? " stale" : ""}`}
        role="listbox"
        aria-label="Handoffs"
        aria-activedescendant={selectedVisible ? `inbox-row-${selectedId}` : undefined}
        tabIndex={0}
      >
        <div className="inbox-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <InboxRowView
                key={item.key}
                row={row}
                index={item.index}
                selected={row.id === selectedId}
                now={now}
                showWorkspace={showWorkspace}
                onChoose={onChoose}
                style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
              />
            );
          })}
        </div>
      </div>
      <footer className="inbox-footer">
        {`${total.toLocaleString()} ${total === 1 ? "handoff" : "handoffs"}`}
        {rows.length < total && (
          <span className="muted"> · first {rows.length.toLocaleString()} loaded, more as you scroll</span>
        )}
        <span className="hint">j / k to move · Enter to open · / to search</span>
      </footer>
    </>
  );
}

function SkeletonRows() {
  return (
    <div className="inbox-scroll" aria-label="Loading handoffs">
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="inbox-row skeleton" aria-hidden="true">
          <div className="row-line">
            <span className="bone bone-name" />
            <span className="bone bone-badge" />
            <span className="row-spacer" />
            <span className="bone bone-time" />
          </div>
          <div className="row-line secondary">
            <span className="bone bone-text" />
          </div>
        </div>
      ))}
    </div>
  );
}

function EmptyPanel({ isFiltered, onClear }: { isFiltered: boolean; onClear: () => void }) {
  return (
    <div className="panel">
      <h2>No handoffs match</h2>
      {isFiltered ? (
        <>
          <p>Nothing matches these filters.</p>
          <button type="button" className="button" onClick={onClear}>
            Clear filters
          </button>
        </>
      ) : (
        <p>Nothing is open right now. New handoffs appear here as they arrive.</p>
      )}
    </div>
  );
}

/** The first run on an empty data file: try the demo, or add the real mailbox. */
function FirstRunPanel({
  onNewWorkspace,
  onDemoLoaded,
}: {
  onNewWorkspace?: (signIn?: Provider) => void;
  onDemoLoaded?: (text: string) => void;
}) {
  const backend = useBackend();
  const client = useQueryClient();
  const demo = useMutation<string, AppError>({
    mutationFn: async () => {
      if (!backend.loadDemo) throw new AppError("unavailable", "The demo cannot be loaded here.");
      try {
        return await backend.loadDemo();
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (text) => {
      void client.invalidateQueries();
      onDemoLoaded?.(text);
    },
  });
  return (
    <div className="panel first-run" data-testid="first-run">
      <h2>Welcome to Handoff Desk</h2>
      <p>
        Your chatbot’s handoffs to a person land here, sorted by what is due first, with the conversation and a reply
        ready to write.
      </p>
      <div className="first-run-actions">
        {onNewWorkspace && (
          <>
            <SignInButtons onSignIn={(p) => onNewWorkspace(p)} recommended="google" testPrefix="first-run-signin" />
            <button
              type="button"
              className="button"
              data-testid="first-run-new-workspace"
              onClick={() => onNewWorkspace()}
            >
              Another mailbox or a relay
            </button>
          </>
        )}
        {backend.loadDemo && (
          <button
            type="button"
            className="button"
            data-testid="first-run-demo"
            disabled={demo.isPending}
            aria-busy={demo.isPending}
            onClick={() => demo.mutate()}
          >
            {demo.isPending ? "Opening the demo…" : "Open the demo"}
          </button>
        )}
      </div>
      {demo.isError && (
        <p className="error-message" role="alert">
          {demo.error.message}
        </p>
      )}
      <p className="small">
        Adding your mailbox starts with a workspace: one per client chatbot, with its hours, its reply promise and
        where its handoffs arrive. The demo fills three made-up clients to try everything on.
      </p>
    </div>
  );
}

function ErrorPanel({ message, onRetry }: { message: string | null; onRetry: () => void }) {
  return (
    <div className="panel error" role="alert">
      <h2>Couldn’t load the inbox</h2>
      <p className="error-message">{message ?? "Something went wrong."}</p>
      <button type="button" className="button" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
