import {
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { InboxRow } from "../bindings";
import { HandoffPane } from "../features/handoff/HandoffPane";
import { Inbox, type InboxState } from "../features/inbox/Inbox";
import { useInbox, useWorkspaces } from "../features/inbox/queries";
import { TopBar } from "../features/inbox/TopBar";
import { useInboxFilters } from "../features/inbox/useInboxFilters";
import { AppError, useBackend } from "../ipc";
import { startupMark, startupMarks } from "../lib/startup";
import { useNow } from "../lib/useNow";
import { NavRail, type Screen } from "./NavRail";
import { Toasts, useToasts } from "./Toasts";
import { useBackendEvents } from "./useBackendEvents";
import { useShortcuts } from "./useShortcuts";
import type { Provider } from "../features/settings/SignIn";

const NO_ROWS: InboxRow[] = [];

// Screens other than the inbox are separate chunks: the first paint parses
// only the inbox's code. They are fetched once the inbox has painted (see
// `preloadScreens`), so opening one later does not wait on a download.
const loadGaps = () => import("../features/gaps/GapsScreen");
const loadInsights = () => import("../features/insights/InsightsScreen");
const loadSettings = () => import("../features/settings/SettingsScreen");
const GapsScreen = lazy(() => loadGaps().then((m) => ({ default: m.GapsScreen })));
const InsightsScreen = lazy(() => loadInsights().then((m) => ({ default: m.InsightsScreen })));
const SettingsScreen = lazy(() => loadSettings().then((m) => ({ default: m.SettingsScreen })));

function preloadScreens() {
  for (const load of [loadSettings, loadGaps, loadInsights]) void load().catch(() => {});
}

let rendered = false;

export function App() {
  if (!rendered) {
    rendered = true;
    startupMark("render-start");
  }
  const filters = useInboxFilters();
  const inbox = useInbox(filters.query);
  // After the inbox's first answer: the rows come first (see firstScreen.ts).
  const workspaces = useWorkspaces(!inbox.isPending);
  const now = useNow();
  const { toasts, push, dismiss } = useToasts();
  useBackendEvents(push);

  const [screen, setScreen] = useState<Screen>("inbox");
  const [settingsNew, setSettingsNew] = useState(false);
  const [settingsSignIn, setSettingsSignIn] = useState<Provider | undefined>(undefined);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [resolveOpen, setResolveOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  const pages = inbox.data?.pages;
  const rows = useMemo(() => (pages ? pages.flatMap((p) => p.rows) : NO_ROWS), [pages]);
  const total = pages?.[0]?.total ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = inbox;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const state: InboxState = inbox.isError
    ? "error"
    : inbox.isPending || inbox.isPlaceholderData
      ? "loading"
      : rows.length === 0
        ? // An empty inbox waits for the workspace list (asked for after the
          // inbox's answer): with no workspace it is the first-run panel,
          // which must not flash "no handoffs" first.
          workspaces.isPending
          ? "loading"
          : "empty"
        : "ready";

  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  // Tell the shell once the first inbox (rows, or an empty panel) is on screen.
  const backend = useBackend();
  const painted = useRef(false);
  useLayoutEffect(() => startupMark("first-layout-effect"), []);
  useEffect(() => startupMark("first-commit"), []);
  useEffect(() => {
    if (painted.current || (state !== "ready" && state !== "empty")) return;
    painted.current = true;
    startupMark("inbox-commit");
    requestAnimationFrame(() => {
      startupMark("frame");
      void backend.uiReady(startupMarks()).catch(() => {});
      setTimeout(preloadScreens, 0);
    });
  }, [state, backend]);

  // Keyboard handlers read the latest selection and open pane from refs, so quick
  // repeats (several keys before React re-renders) never act on a stale value.
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const openIdRef = useRef(openId);
  openIdRef.current = openId;

  const open = useCallback((id: number) => {
    selectedRef.current = id;
    setSelectedId(id);
    if (openIdRef.current !== id) setResolveOpen(false);
    openIdRef.current = id;
    setOpenId(id);
  }, []);

  const close = useCallback(() => {
    openIdRef.current = null;
    setOpenId(null);
    setResolveOpen(false);
  }, []);

  const select = (id: number) => {
    selectedRef.current = id;
    setSelectedId(id);
  };

  const move = (delta: 1 | -1) => {
    const list = rowsRef.current;
    if (list.length === 0) return;
    const current = selectedRef.current;
    const index = current === null ? -1 : list.findIndex((r) => r.id === current);
    const nextIndex =
      index < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + delta));
    const next = list[nextIndex];
    if (next) select(next.id);
  };

  useShortcuts({
    next: () => move(1),
    previous: () => move(-1),
    open: () => {
      const current = selectedRef.current;
      if (current !== null && rowsRef.current.some((r) => r.id === current)) open(current);
    },
    close,
    focusSearch: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    },
    resolve: () => {
      if (openIdRef.current !== null) setResolveOpen(true);
    },
  });

  // Keep the window title honest about what is open.
  useEffect(() => {
    document.title = openId === null ? "Handoff Desk" : `Handoff #${openId} · Handoff Desk`;
  }, [openId]);

  const workspaceList = workspaces.data ?? [];
  const firstRun = workspaces.isSuccess && workspaceList.length === 0;

  const openSettings = (newWorkspace: boolean, signIn?: Provider) => {
    setSettingsNew(newWorkspace);
    setSettingsSignIn(signIn);
    setScreen("settings");
  };

  const navigate = (next: Screen) => {
    if (next === "settings") openSettings(false);
    else setScreen(next);
  };

  let content: ReactNode;
  if (screen === "settings") {
    content = (
      <SettingsScreen
        onBack={() => setScreen("inbox")}
        startWithNewWorkspace={settingsNew}
        signInAfterCreate={settingsSignIn}
      />
    );
  } else if (screen === "insights") {
    content = <InsightsScreen workspaces={workspaceList} onOpenInbox={() => setScreen("inbox")} />;
  } else if (screen === "gaps") {
    content = <GapsScreen workspaces={workspaceList} onOpenInbox={() => setScreen("inbox")} />;
  } else {
    content = (
      <div className={`screen inbox-screen${openId !== null ? " split" : ""}`}>
        <TopBar api={filters} workspaces={workspaceList} searchRef={searchRef} />
        <main className="main">
          <Inbox
            state={state}
            rows={rows}
            total={total}
            errorMessage={inbox.isError ? AppError.from(inbox.error).message : null}
            onRetry={() => void inbox.refetch()}
            firstRun={firstRun}
            onNewWorkspace={(signIn) => openSettings(true, signIn)}
            onDemoLoaded={(text) => push(text)}
            isFiltered={filters.isFiltered}
            onClearFilters={filters.clear}
            selectedId={selectedId}
            onChoose={open}
            onNearEnd={loadMore}
            now={now}
            showWorkspace={filters.filters.workspace === null && workspaceList.length > 1}
          />
          {openId !== null && (
            <HandoffPane
              key={openId}
              id={openId}
              onClose={close}
              resolveOpen={resolveOpen}
              onResolveOpenChange={setResolveOpen}
              onToast={push}
              onOpenSettings={() => openSettings(false)}
              onErased={(message) => {
                push(message);
                close();
              }}
            />
          )}
        </main>
      </div>
    );
  }

  return (
    <div className="app" data-screen={screen}>
      <NavRail screen={screen} workspaces={workspaceList} onNavigate={navigate} />
      <div className="content">
        <Suspense fallback={<div className="screen-loading" aria-busy="true" />}>{content}</Suspense>
      </div>
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
