import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { HandoffView, ReplyView } from "../../bindings";
import type { TeamView } from "../../bindings/TeamView";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";
import { formatShortInZone } from "../../lib/time";
import { useTeamAction } from "./queries";

type Props = {
  id: number;
  timeZone: string;
  replies: ReplyView[];
  team: TeamView;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Open Settings, where a reply identity is set up. */
  onOpenSettings?: () => void;
  /** The reply was queued. */
  onSent?: () => void;
};

const STATE_LABEL: Record<string, string> = {
  queued: "Queued",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
  unsure: "May not have gone out",
};

/**
 * Replies to the visitor: the pre-filled draft (greeting, their question
 * quoted, a marker where the answer goes) in an editable form; sending queues
 * it in the app's outbox, which sends it at once and retries when the server
 * is away. The emails already written are listed with where they are.
 *
 * In team mode, starting a reply claims a free handoff (once per opening), and
 * what the team says before answering (a teammate has it or answered it) shows
 * above the send button, which then reads "Send anyway".
 */
export function Composer({ id, timeZone, replies, team, open, onOpenChange, onOpenSettings, onSent }: Props) {
  const backend = useBackend();
  const client = useQueryClient();
  const draft = useQuery({
    queryKey: ["reply-draft", id] as const,
    queryFn: () => backend.replyDraft(id),
    enabled: open,
    staleTime: Infinity,
  });
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  const claim = useTeamAction(id);
  const claimedFor = useRef<number | null>(null);
  const { mutate: claimNow, reset: resetClaim } = claim;
  const wantsClaim = open && team.enabled && team.claim === null;
  useEffect(() => {
    if (!open) {
      claimedFor.current = null;
      resetClaim();
    } else if (wantsClaim && claimedFor.current !== id) {
      claimedFor.current = id;
      claimNow("claim");
    }
  }, [open, wantsClaim, id, claimNow, resetClaim]);

  useEffect(() => {
    if (open && draft.data) {
      setSubject(draft.data.subject);
      setBody(draft.data.body);
    }
  }, [open, draft.data]);

  // Put the cursor on the answer line (the marker selected, so typing
  // replaces it) once the draft is in the field, and only once per opening:
  // the field is filled a render after the draft arrives.
  const placed = useRef(false);
  useEffect(() => {
    if (!open) placed.current = false;
  }, [open]);
  useEffect(() => {
    const el = bodyRef.current;
    if (!open || !draft.data || !el || placed.current) return;
    const at = el.value.indexOf(draft.data.marker);
    if (at < 0) return;
    placed.current = true;
    el.focus();
    el.setSelectionRange(at, at + draft.data.marker.length);
    el.closest("form")?.scrollIntoView?.({ block: "nearest" });
  }, [open, draft.data, body]);

  const send = useMutation<HandoffView, AppError, void>({
    mutationFn: async () => {
      try {
        return await backend.sendReply(id, subject, body);
      } catch (err) {
        throw AppError.from(err);
      }
    },
    onSuccess: (view) => {
      client.setQueryData(queryKeys.handoff(id), view);
      client.removeQueries({ queryKey: ["reply-draft", id] });
      void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
      onOpenChange(false);
      onSent?.();
    },
  });

  const markerLeft = draft.data ? body.includes(draft.data.marker) : false;

  if (!open && replies.length === 0 && !claim.isError) return null;

  return (
    <section className="card composer" aria-label="Reply" data-open={open}>
      {replies.length > 0 && (
        <ul className="replies">
          {replies.map((r, i) => (
            <li key={`${r.queuedAt}-${i}`} data-testid="reply-item" data-state={r.state}>
              <span className={`badge reply-${r.state}`}>{STATE_LABEL[r.state] ?? r.state}</span>{" "}
              <span className="reply-subject">{r.subject}</span> <span className="muted">to {r.to}</span>{" "}
              <span className="muted">{formatShortInZone(r.sentAt ?? r.queuedAt, timeZone)}</span>
              {r.error && <p className="error-message">{r.error}</p>}
            </li>
          ))}
        </ul>
      )}
      {open && claim.isError && (
        <p className="error-message" role="alert" data-testid="reply-claim-error">
          {claim.error.message}
        </p>
      )}
      {!open ? null : draft.isPending ? (
        <p className="muted">Preparing the reply…</p>
      ) : draft.isError ? (
        <p className="error-message" role="alert">
          {AppError.from(draft.error).message}
        </p>
      ) : (
        <form
          className="composer-form"
          data-testid="composer"
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          {draft.data.problem && (
            <div className="reply-problem" role="alert">
              <p className="error-message" data-testid="reply-problem">
                {draft.data.problem}
              </p>
              {draft.data.problemFix === "reply_identity" && onOpenSettings && (
                <button type="button" className="button primary" data-testid="reply-fix-identity" onClick={onOpenSettings}>
                  Set up a reply identity
                </button>
              )}
            </div>
          )}
          <p className="muted">
            From {draft.data.from ?? "—"} to {draft.data.to ?? "—"}
          </p>
          <label>
            Subject
            <input data-testid="reply-subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
          </label>
          <label>
            Message
            <textarea
              ref={bodyRef}
              data-testid="reply-body"
              rows={10}
              value={body}
              onChange={(e) => setBody(e.target.value)}
            />
          </label>
          {markerLeft && <p className="muted">Write your answer in place of “{draft.data.marker}”.</p>}
          {send.isError && (
            <p className="error-message" role="alert" data-testid="reply-error">
              {send.error.message}
            </p>
          )}
          {team.warning && (
            <p className="team-warning" role="alert" data-testid="reply-warning">
              {team.warning}
            </p>
          )}
          <div className="action-row">
            <button
              type="submit"
              className="button primary"
              data-testid="reply-send"
              disabled={send.isPending || markerLeft || draft.data.problem !== null}
            >
              {send.isPending ? "Sending…" : team.warning ? "Send anyway" : "Send"}
            </button>
            <button type="button" className="button" onClick={() => onOpenChange(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
