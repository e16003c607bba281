// The bot's monthly conversations read from its platform instead of typed in:
// Chatwoot's reports, or Intercom's search where the bot is Fin. The details
// are given once (kept: the address or region in the workspace, the token in
// the keychain), then it is one click per month.
import { useMutation, useQueryClient, type UseMutationResult } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { MonthReportView } from "../../bindings";
import { AppError, useBackend } from "../../ipc";

const PLATFORMS: Record<string, string> = { chatwoot: "Chatwoot", intercom: "Intercom" };

/** Where this month's count came from, and the platforms it can be read from. */
export function PlatformCounts({ report }: { report: MonthReportView }) {
  const from = PLATFORMS[report.conversationsSource ?? ""];
  return (
    <div className="platform-counts">
      {from && (
        <p className="muted small" data-testid="conversations-source">
          This month's count was read from {from}.
        </p>
      )}
      <ChatwootCount report={report} />
      <IntercomCount report={report} />
    </div>
  );
}

type Count<V> = UseMutationResult<number, AppError, V>;

/** A platform's form state and its read of the month's count: a read that
 * succeeds clears the token, closes the form and refreshes the report. */
function usePlatform<V>(report: MonthReportView, call: ((v: V) => Promise<number>) | undefined) {
  const client = useQueryClient();
  const [token, setToken] = useState("");
  const [open, setOpen] = useState(false);
  const read: Count<V> = useMutation<number, AppError, V>({
    mutationFn: async (v) => {
      try {
        return (await call?.(v)) ?? 0;
      } catch (e) {
        throw AppError.from(e);
      }
    },
    onSuccess: () => {
      setToken("");
      setOpen(false);
      void client.invalidateQueries({ queryKey: ["month-report", report.workspace] });
    },
  });
  return { token, setToken, panel: { report, read, open, setOpen } };
}

type PlatformProps<V> = {
  id: string;
  name: string;
  report: MonthReportView;
  read: Count<V>;
  kept: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  /** What the count is, for the line after a read ("conversations"). */
  counted: string;
  /** The button that opens the form for the first time. */
  invite: string;
  change: string;
  again: V;
  /** The form's fields. */
  children: ReactNode;
  submit: () => V;
};

/** One platform: its invitation, its form, then one click per month. */
function Platform<V>(props: PlatformProps<V>) {
  const { id, name, report, read, kept, open, setOpen, counted, invite, change, again, children, submit } = props;
  const status = (
    <>
      {read.isSuccess && (
        <span className="muted small" data-testid={`${id}-done`}>
          {name} counts {read.data} {counted} in {report.month}.
        </span>
      )}
      {read.isError && (
        <span className="error-message" role="alert">
          {read.error.message}
        </span>
      )}
    </>
  );
  if ((kept || read.isSuccess) && !open) {
    return (
      <p className="small">
        <button
          type="button"
          className="button"
          data-testid={`${id}-read-again`}
          disabled={read.isPending}
          onClick={() => read.mutate(again)}
        >
          Read {report.month} from {name}
        </button>{" "}
        <button type="button" className="button ghost small" onClick={() => setOpen(true)}>
          {change}
        </button>{" "}
        {status}
      </p>
    );
  }
  if (!open) {
    return (
      <p className="small">
        <button type="button" className="button ghost small" data-testid={`${id}-open`} onClick={() => setOpen(true)}>
          {invite}
        </button>
      </p>
    );
  }
  return (
    <form
      className="count-form"
      onSubmit={(e) => {
        e.preventDefault();
        read.mutate(submit());
      }}
    >
      {children}
      <button type="submit" className="button" data-testid={`${id}-read`} disabled={read.isPending}>
        {read.isPending ? `Asking ${name}…` : `Read ${report.month} from ${name}`}
      </button>
      {status}
    </form>
  );
}

type TokenProps = { id: string; label: string; kept: boolean; value: string; onChange: (v: string) => void };

/** A platform's access token: typed once, then kept in the keychain. */
function TokenField({ id, label, kept, value, onChange }: TokenProps) {
  return (
    <label>
      {label}{" "}
      <input
        data-testid={`${id}-token`}
        type="password"
        autoComplete="off"
        placeholder={kept ? "kept in the keychain" : ""}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

type ChatwootArgs = { address: string | null; token: string | null };

/** Chatwoot's reports: the bot inbox's address and an administrator's token. */
function ChatwootCount({ report }: { report: MonthReportView }) {
  const backend = useBackend();
  const kept = report.chatwootAddress;
  const [address, setAddress] = useState(kept ?? "");
  const call = backend.readChatwootConversations;
  const { token, setToken, panel } = usePlatform<ChatwootArgs>(
    report,
    call && ((v) => call(report.workspace, report.month, v.address, v.token)),
  );
  if (!call) return null;
  return (
    <Platform<ChatwootArgs>
      {...panel}
      id="chatwoot"
      name="Chatwoot"
      kept={!!kept}
      counted="conversations"
      invite="Using Chatwoot? Read the count from its reports"
      change="Change the address or token"
      again={{ address: null, token: null }}
      submit={() => ({ address: address.trim() || null, token: token.trim() || null })}
    >
      <label>
        The bot's inbox in Chatwoot, as the browser shows it{" "}
        <input
          data-testid="chatwoot-address"
          type="url"
          spellCheck={false}
          placeholder="https://app.chatwoot.com/app/accounts/3/inbox/7"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
        />
      </label>
      <TokenField
        id="chatwoot"
        label="An administrator's access token (Profile settings → Access token)"
        kept={!!kept}
        value={token}
        onChange={setToken}
      />
    </Platform>
  );
}

type IntercomArgs = { region: string | null; everyConversation: boolean | null; token: string | null };

const REGIONS: [string, string][] = [
  ["us", "United States"],
  ["eu", "Europe"],
  ["au", "Australia"],
];

/** Intercom's search: the workspace's hosting region, which conversations
 * count (Fin's, or every one for another bot), and an app's access token. */
function IntercomCount({ report }: { report: MonthReportView }) {
  const backend = useBackend();
  const kept = report.intercomRegion;
  const [region, setRegion] = useState(kept ?? "us");
  const [every, setEvery] = useState(report.intercomEveryConversation);
  const call = backend.readIntercomConversations;
  const { token, setToken, panel } = usePlatform<IntercomArgs>(
    report,
    call && ((v) => call(report.workspace, report.month, v.region, v.everyConversation, v.token)),
  );
  if (!call) return null;
  const regions = kept && !REGIONS.some(([r]) => r === kept) ? [...REGIONS, [kept, kept] as [string, string]] : REGIONS;
  const counted = (panel.read.variables?.everyConversation ?? report.intercomEveryConversation) ? "conversations" : "conversations Fin took part in";
  return (
    <Platform<IntercomArgs>
      {...panel}
      id="intercom"
      name="Intercom"
      kept={!!kept}
      counted={counted}
      invite="Using Intercom's Fin? Read the count from Intercom"
      change="Change the region, count or token"
      again={{ region: null, everyConversation: null, token: null }}
      submit={() => ({ region, everyConversation: every, token: token.trim() || null })}
    >
      <label>
        Where the Intercom workspace is hosted{" "}
        <select data-testid="intercom-region" value={region} onChange={(e) => setRegion(e.target.value)}>
          {regions.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <TokenField
        id="intercom"
        label="An access token of an app with “Read conversations” (Developer Hub → your app → Authentication)"
        kept={!!kept}
        value={token}
        onChange={setToken}
      />
      <label className="count-check">
        <input data-testid="intercom-every" type="checkbox" checked={every} onChange={(e) => setEvery(e.target.checked)} />{" "}
        Count every conversation, not only Fin's (the bot is not Fin)
      </label>
    </Platform>
  );
}
