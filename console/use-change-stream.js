// The chosen mailbox's live change log, followed once for the whole console: the feed lists the
// entries, and the week view re-reads its calendarView whenever `version` moves.
import { useEffect, useState } from "preact/hooks";
import { followChanges } from "./change-stream.js";

/** How many recent entries the console starts with and keeps. */
const BACKLOG = 100;
const KEEP = 500;

export function useChangeStream(user) {
  const [state, setState] = useState({ entries: [], status: "idle", version: 0 });
  const mailboxId = user?.id;
  useEffect(() => {
    setState({ entries: [], status: "idle", version: 0 });
    if (!mailboxId) return undefined;
    const abort = new AbortController();
    // Sequences are dense per mailbox (each write takes the next), so the last BACKLOG seqs
    // hold the last BACKLOG entries at most.
    const after = Math.max(0, (user.changeSeq ?? 0) - BACKLOG);
    void followChanges({
      mailboxId, after, signal: abort.signal,
      onStatus: (status) => setState((s) => ({ ...s, status })),
      onEntry: (entry) => setState((s) => ({
        ...s, version: s.version + 1,
        entries: s.entries.some((e) => e.seq === entry.seq) ? s.entries : [entry, ...s.entries].slice(0, KEEP),
      })),
    });
    return () => abort.abort();
    // The stream follows the mailbox, not every refresh of the tenant summary.
  }, [mailboxId]);
  return state;
}
