// The settings screen's data: one SettingsView per workspace, cached under
// queryKeys.settings(slug). Every settings command answers with the whole
// new view, so a mutation replaces the cache instead of refetching.
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { SettingsView, WorkspaceSummary } from "../../bindings";
import { AppError, useBackend, type Backend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";

export function useSettings(workspace: string) {
  const backend = useBackend();
  return useQuery({
    queryKey: queryKeys.settings(workspace),
    queryFn: () => backend.settings(workspace),
    enabled: workspace !== "",
  });
}

/**
 * A command failed because no OS keychain answers (`keychain_missing`): the
 * settings screen's keychain banner shows the shell's words, as it does when
 * the screen loads without a keychain.
 */
function noteKeychain(client: QueryClient, err: AppError) {
  if (err.code !== "keychain_missing") return;
  client.setQueriesData<SettingsView>({ queryKey: queryKeys.settingsAll }, (view) =>
    view ? { ...view, keychainProblem: err.message } : view,
  );
}

type ActionOptions = {
  /** The workspace's name or time zone may have changed: refresh the lists that show them. */
  renames?: boolean;
};

/**
 * A settings command that returns the new SettingsView; the view replaces the
 * cached one. Only the `settings` command itself checks the keychain, so the
 * views mutations return always say `keychainProblem: null`: keep the banner
 * the screen last loaded instead of hiding it on every save.
 */
export function useSettingsAction<A>(
  call: (backend: Backend, arg: A) => Promise<SettingsView>,
  options: ActionOptions = {},
) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<SettingsView, AppError, A>({
    mutationFn: async (arg) => {
      try {
        return await call(backend, arg);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (view) => {
      const key = queryKeys.settings(view.workspace.slug);
      const before = client.getQueryData<SettingsView>(key);
      client.setQueryData(key, { ...view, keychainProblem: view.keychainProblem ?? before?.keychainProblem ?? null });
      if (options.renames) {
        void client.invalidateQueries({ queryKey: queryKeys.workspaces });
        void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      }
    },
    onError: (err) => noteKeychain(client, err),
  });
}

/** A login check that answers with a sentence (test source, test SMTP). */
export function useCheck<A>(call: (backend: Backend, arg: A) => Promise<string>) {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<string, AppError, A>({
    mutationFn: async (arg) => {
      try {
        return await call(backend, arg);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onError: (err) => noteKeychain(client, err),
  });
}

export type NewWorkspaceArgs = { slug: string; name: string; timeZone: string };

/** Create a workspace; the switchers learn about it at once. */
export function useCreateWorkspace() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<WorkspaceSummary, AppError, NewWorkspaceArgs>({
    mutationFn: async ({ slug, name, timeZone }) => {
      try {
        return await backend.createWorkspace(slug, name, timeZone);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (summary) => {
      client.setQueryData<WorkspaceSummary[]>(queryKeys.workspaces, (list) =>
        list && !list.some((w) => w.slug === summary.slug) ? [...list, summary] : list,
      );
      void client.invalidateQueries({ queryKey: queryKeys.workspaces });
    },
  });
}
