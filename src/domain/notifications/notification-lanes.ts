import type { WebhookResult } from "./webhook.js";

// One POST at a time per notification URL. Notifications handed in while a POST is in flight go
// together in the next one, whichever subscriptions and mailboxes they come from: Graph batches
// the notifications of different subscriptions to one URL the same way (spec §4.4). At low load a
// notification leaves at once (one turn later, so passes of the same turn share the POST); under
// load each POST carries what queued meanwhile, so the POSTs a second stay bounded by the
// receivers' round trips rather than growing with the writes. A slow receiver holds back only
// its own URL.

interface Parcel {
  /** Each notification's JSON text. */
  notifications: readonly string[];
  resolve: (result: WebhookResult) => void;
}

interface Lane {
  queue: Parcel[];
  busy: boolean;
}

export class NotificationLanes {
  readonly #lanes = new Map<string, Lane>();

  /**
   * `send` POSTs a body to a URL; `batchSize` caps the notifications per POST (a parcel is never
   * split, so one larger than that goes alone).
   */
  constructor(private readonly send: (url: string, body: string) => Promise<WebhookResult>, private readonly batchSize: number) {}

  /** Resolves with the answer to the POST that carried `notifications` (a failure is a result too). */
  post(url: string, notifications: readonly string[]): Promise<WebhookResult> {
    let lane = this.#lanes.get(url);
    if (!lane) {
      lane = { queue: [], busy: false };
      this.#lanes.set(url, lane);
    }
    const target = lane;
    return new Promise<WebhookResult>((resolve) => {
      target.queue.push({ notifications, resolve });
      if (target.busy) return;
      target.busy = true;
      setImmediate(() => this.#pump(url, target));
    });
  }

  #pump(url: string, lane: Lane): void {
    let count = 0;
    let taken = 0;
    for (const parcel of lane.queue) {
      if (taken > 0 && count + parcel.notifications.length > this.batchSize) break;
      count += parcel.notifications.length;
      taken++;
    }
    const parcels = lane.queue.splice(0, taken);
    const value = parcels.length === 1 ? (parcels[0] as Parcel).notifications : parcels.flatMap((p) => p.notifications);
    const sent = this.send(url, `{"value":[${value.join(",")}]}`).catch((error: unknown): WebhookResult => ({
      status: null, text: "", latencyMs: 0, error: "network", detail: error instanceof Error ? error.message : String(error),
    }));
    void sent.then((result) => {
      for (const parcel of parcels) parcel.resolve(result);
      if (lane.queue.length > 0) this.#pump(url, lane);
      else {
        lane.busy = false;
        this.#lanes.delete(url);
      }
    });
  }
}
