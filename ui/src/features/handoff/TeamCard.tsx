// Team mode in the pane: who has this handoff, who answered it, and Claim /
// Release for this app's teammate ("c" does whichever applies). Shown when
// team mode is on, or when the handoff carries a claim or answers anyway.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { PushToast } from "../../app/Toasts";
import { AppError, useBackend } from "../../ipc";
import { queryKeys } from "../../lib/queryKeys";
import type { HandoffView } from "../../bindings";
import type { TeamView } from "../../bindings/TeamView";
import { formatInZone, formatShortInZone } from "../../lib/time";
import { useTeamAction, type TeamAction } from "./queries";

/** Whether the pane has anything to say about the team. */
export function showsTeam(team: TeamView): boolean {
  return team.enabled || team.claim !== null || team.answers.length > 0;
}

/** What "c" and the button do now: claim a free handoff, release our own. */
function nextAction(team: TeamView): TeamAction | null {
  if (!team.enabled) return null;
  if (team.claim === null) return "claim";
  return team.claim.mine ? "release" : null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
}

export function TeamCard({ view, onToast }: { view: HandoffView; onToast?: PushToast }) {
  const { team, timeZone } = view;
  const id = view.row.id;
  const action = useTeamAction(id);
  const next = nextAction(team);
  const backend = useBackend();
  const client = useQueryClient();

  // Claim and Release say so, with Undo (the other one) beside it.
  const act = (what: TeamAction) =>
    action.mutate(what, {
      onSuccess: () => {
        if (!onToast) return;
        const undo = what === "claim" ? () => backend.releaseHandoff(id) : () => backend.claimHandoff(id);
        onToast(what === "claim" ? "Claimed: teammates see you have it." : "Released: a teammate can take it.", {
          label: "Undo",
          run: () =>
            void undo().then(
              (back) => {
                client.setQueryData(queryKeys.handoff(id), back);
                void client.invalidateQueries({ queryKey: queryKeys.inboxAll });
              },
              (err) => onToast(AppError.from(err).message),
            ),
        });
      },
    });

  // A new handoff starts with a clean action state.
  const { reset } = action;
  useEffect(() => reset(), [id, reset]);

  const run = useRef<() => void>(() => {});
  run.current = () => {
    if (next && !action.isPending) act(next);
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "c" || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      run.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const claim = team.claim;
  const when = (at: string) => (
    <time dateTime={at} title={formatInZone(at, timeZone)}>
      {formatShortInZone(at, timeZone)}
    </time>
  );

  return (
    <section
      className="card team"
      aria-label="Team"
      data-testid="team-card"
      data-claim={claim === null ? "none" : claim.mine ? "mine" : "other"}
    >
      <h3>Team</h3>
      {claim === null ? (
        <p className="muted" data-testid="team-holder">
          {team.enabled ? "Nobody has claimed this yet." : "Not claimed."}
        </p>
      ) : (
        <p className="team-claim" data-testid="team-holder" title={`Claimed by ${claim.by} <${claim.email}>`}>
          <strong>{claim.mine ? "Claimed by you" : `Claimed by ${claim.by}`}</strong>
          <span className="muted" aria-hidden="true">·</span>
          {when(claim.at)}
          {claim.stale && (
            <span
              className="badge team-stale"
              data-testid="team-stale"
              title="Older than the team's limit and nobody has answered since"
            >
              stale
            </span>
          )}
          {claim.pending && (
            <span className="badge team-pending" data-testid="team-pending" title="Teammates cannot see it yet">
              not shared yet
            </span>
          )}
        </p>
      )}
      {claim?.note && (
        <p className="small muted" data-testid="team-note">
          {claim.note}
        </p>
      )}
      {team.answers.length > 0 && (
        <ul className="plain-list team-answers">
          {team.answers.map((a, i) => (
            <li key={`${a.at}-${i}`} data-testid="team-answer">
              Answered by {a.mine ? "you" : a.by}
              <span className="muted"> · </span>
              {when(a.at)}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <div className="action-row">
          <button
            type="button"
            className="button"
            data-testid={`team-${next}`}
            disabled={action.isPending}
            aria-busy={action.isPending}
            title={next === "claim" ? "Claim (c): teammates see you have it" : "Release (c): let a teammate take it"}
            onClick={() => act(next)}
          >
            {next === "claim" ? "Claim" : "Release"}
          </button>
          {team.me && <span className="small muted">Teammates see you as {team.me}.</span>}
        </div>
      )}
      {action.isError && (
        <p className="error-message" role="alert" data-testid="team-error">
          {action.error.message}
        </p>
      )}
    </section>
  );
}
