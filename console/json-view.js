// JSON as Graph sent it, indented, in a focusable region (long documents scroll by keyboard).
import { html } from "./html.js";

export function JsonView({ value, label }) {
  if (value === null || value === undefined) return html`<p class="loading">Loading…</p>`;
  return html`<pre class="json" tabindex="0" aria-label=${label}>${JSON.stringify(value, null, 2)}</pre>`;
}
