// The inbox's "read again" notice: shown when records this version may read
// better were stored by an older one (raw or partly read). One click re-reads
// them all, as `handoff reparse` does; the originals are never changed.
import { useEffect, useState } from "react";
import type { ReparseOffer } from "../../bindings/ReparseOffer";
import { AppError, useBackend } from "../../ipc";

type Props = {
  /** Called after a re-read, so the inbox can load the improved rows. */
  onDone: () => void;
};

export function ReparseBanner({ onDone }: Props) {
  const backend = useBackend();
  const [offer, setOffer] = useState<ReparseOffer | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // No offer (an older backend, or a fake without it) simply shows nothing.
    backend
      .reparseOffer?.()
      .then((o) => live && setOffer(o))
      .catch(() => live && setOffer(null));
    return () => {
      live = false;
    };
  }, [backend]);

  if (result) {
    return (
      <div className="reparse-banner" role="status" data-testid="reparse-banner">
        <span>Read again: {result}.</span>
        <button type="button" className="button" onClick={() => setResult(null)}>
          Dismiss
        </button>
      </div>
    );
  }
  if (!offer || offer.older === 0 || !backend.reparse) return null;

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await backend.reparse!();
      setOffer(null);
      setResult(done.summary);
      onDone();
    } catch (err) {
      setError(AppError.from(err).message);
    } finally {
      setBusy(false);
    }
  };

  const count = offer.older === 1 ? "1 handoff" : `${offer.older.toLocaleString()} handoffs`;
  const by = offer.storedBy ? `version ${offer.storedBy}` : "an earlier version";
  return (
    <div className="reparse-banner" role="status" data-testid="reparse-banner">
      <span>
        {count} stored by {by} {offer.older === 1 ? "was" : "were"} not fully read. Version {offer.current} reads more
        platforms: read {offer.older === 1 ? "it" : "them"} again? The originals are kept as they are.
      </span>
      <button type="button" className="button primary" onClick={run} disabled={busy}>
        {busy ? "Reading…" : "Read again"}
      </button>
      {error && (
        <span className="error-message" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
