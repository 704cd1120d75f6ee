// The emulator's controls, each over its /_graphcal endpoint: the virtual clock, faults, the
// store (reset, fixtures), delta-token expiry, Graph quirk modes and change-notification subscriptions.
import { html } from "./html.js";
import { ClockControls } from "./clock-controls.js";
import { FaultControls } from "./fault-controls.js";
import { StoreControls } from "./store-controls.js";
import { QuirkControls } from "./quirk-controls.js";
import { SubscriptionControls } from "./subscription-controls.js";

export function ControlsPanel({ user, onStoreChanged }) {
  return html`
    <div class="controls">
      <${ClockControls} />
      <${FaultControls} user=${user} />
      <${StoreControls} user=${user} onStoreChanged=${onStoreChanged} />
      <${QuirkControls} user=${user} />
      <${SubscriptionControls} user=${user} />
    </div>`;
}
