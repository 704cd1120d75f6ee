// The emulator's controls, each over its /_graphcal endpoint: the virtual clock, faults, the
// store (reset, fixtures), delta-token expiry and Graph quirk modes.
import { html } from "./html.js";
import { ClockControls } from "./clock-controls.js";
import { FaultControls } from "./fault-controls.js";
import { StoreControls } from "./store-controls.js";
import { QuirkControls } from "./quirk-controls.js";

export function ControlsPanel({ user, onStoreChanged }) {
  return html`
    <div class="controls">
      <${ClockControls} />
      <${FaultControls} user=${user} />
      <${StoreControls} user=${user} onStoreChanged=${onStoreChanged} />
      <${QuirkControls} user=${user} />
      <section class="card placeholder" aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title">Subscriptions <span class="badge">not here yet</span></h2>
        <p>Change notifications (Graph subscriptions and their webhook deliveries) are being built
          separately. Their panel — subscriptions, notification URLs, delivery attempts — goes here
          once the server has them; until then this console shows nothing about them.</p>
      </section>
    </div>`;
}
