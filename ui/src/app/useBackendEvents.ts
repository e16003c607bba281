import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useBackend, type Unlisten } from "../ipc";
import { queryKeys } from "../lib/queryKeys";

/** Subscribes to backend events: data changes refresh queries, notices become toasts. */
export function useBackendEvents(onNotice: (text: string) => void) {
  const backend = useBackend();
  const client = useQueryClient();
  const noticeRef = useRef(onNotice);
  noticeRef.current = onNotice;

  useEffect(() => {
    let active = true;
    const unlisteners: Unlisten[] = [];
    const keep = (p: Promise<Unlisten>) => {
      p.then((unlisten) => (active ? unlisteners.push(unlisten) : unlisten())).catch(() => {
        // No event channel (e.g. outside the desktop app): the screens still work.
      });
    };

    keep(
      backend.onHandoffsChanged(({ ids }) => {
        const changed = new Set(Array.isArray(ids) ? ids : []);
        void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
        void client.invalidateQueries({ queryKey: queryKeys.workspaces });
        // Source health and HubSpot push counts (forms keep their drafts).
        void client.invalidateQueries({ queryKey: queryKeys.settingsAll });
        void client.invalidateQueries({
          queryKey: queryKeys.handoffAll,
          predicate: (q) => changed.size === 0 || changed.has(q.queryKey[1] as number),
        });
      }),
    );
    keep(
      backend.onNotice((payload) => {
        if (payload && typeof payload.text === "string" && payload.text !== "") noticeRef.current(payload.text);
      }),
    );

    return () => {
      active = false;
      unlisteners.forEach((u) => u());
    };
  }, [backend, client]);
}
