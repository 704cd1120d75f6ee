// Reads the mailbox's change-log stream (GET /_graphcal/mailboxes/{id}/changes/stream), a
// Server-Sent Events body, through fetch: EventSource cannot send an Authorization header, and
// the admin token must not go into a URL. Reconnects after a drop, resuming after the last seq.
import { adminAuthorization } from "./api.js";

const RETRY_MS = 2000;

/**
 * Calls onEntry(entry) for each change-log entry above `after`, then for each new one, until
 * `signal` aborts. onStatus gets "connecting", "live" or "reconnecting".
 */
export async function followChanges({ mailboxId, after, onEntry, onStatus, signal }) {
  let last = after;
  while (!signal.aborted) {
    onStatus("connecting");
    try {
      const response = await fetch(`/_graphcal/mailboxes/${encodeURIComponent(mailboxId)}/changes/stream?after=${last}`, {
        headers: { ...adminAuthorization(), accept: "text/event-stream" }, signal,
      });
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      onStatus("live");
      await readEvents(response.body, signal, (event) => {
        if (event.type !== "change") return;
        const entry = JSON.parse(event.data);
        last = Math.max(last, entry.seq);
        onEntry(entry);
      });
    } catch (error) {
      if (signal.aborted) return;
      void error;
    }
    if (signal.aborted) return;
    onStatus("reconnecting");
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** The SSE wire format: fields per line, events separated by a blank line. */
async function readEvents(body, signal, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = { type: "message", data: "" };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event.type = value;
        else if (field === "data") event.data += (event.data ? "\n" : "") + value;
      }
      onEvent(event);
    }
  }
}
