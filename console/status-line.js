// The outcome of a control's last action, announced to screen readers.
import { html } from "./html.js";

export function StatusLine({ action }) {
  if (action.error) return html`<p role="alert" class="error">${action.error}</p>`;
  return html`<p class="status" role="status">${action.busy ? "Working…" : action.message ?? ""}</p>`;
}
