// The live change feed: the mailbox's change log as its writes commit, newest first — the same
// sequence delta rounds are cut from (GET /_graphcal/mailboxes/{id}/changes/stream).
import { html } from "./html.js";

export function ChangeFeedPanel({ user, stream }) {
  if (!user) return html`<p>Choose a mailbox.</p>`;
  return html`
    <section aria-labelledby="feed-title">
      <div class="row">
        <h2 id="feed-title">Changes of ${user.displayName}</h2>
        <span class=${`live live-${stream.status}`}>${stream.status}</span>
      </div>
      <p class="hint">Every write takes the mailbox's next change sequence; a delta round serves the entries above its token's watermark, collapsed per item.</p>
      <div class="table-scroll"><table class="feed" aria-label="Change log entries, newest first" aria-live="polite" aria-relevant="additions">
        <thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Change</th><th scope="col">Item</th><th scope="col">Type</th></tr></thead>
        <tbody>
          ${stream.entries.length === 0 && html`<tr><td colspan="6" class="hint">No entries yet.</td></tr>`}
          ${stream.entries.map((e) => html`
            <tr key=${e.seq} data-seq=${e.seq} class=${`change-${e.change}`}>
              <td>${e.seq}</td>
              <td><time datetime=${e.changedAt}>${new Date(e.changedAt).toLocaleString()}</time></td>
              <td>${e.kind}</td>
              <td>${e.change}</td>
              <td><span class="title">${e.title ?? ""}</span> <code class="id" title=${e.itemId}>${e.itemId.slice(-12)}</code></td>
              <td>${e.eventType ?? ""}</td>
            </tr>`)}
        </tbody>
      </table></div>
    </section>`;
}
