// The receiver of Graph change notifications (spec §4.3–4.5, §4.7): a small node:http server
// that answers the validation handshake, acknowledges every notification POST with 202 at once
// (Graph wants a 2xx within 3 s and retries or throttles slow endpoints) and hands the
// notifications on afterwards. A notification whose clientState is not ours is dropped: anyone
// who finds the URL can POST to it, and the clientState is the shared secret that tells Graph's
// notifications from forged ones.
// see: https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";

/**
 * A change notification as Graph posts it (basic form, spec §4.4). Only `subscriptionId` and
 * `changeType` are relied on; a notify-then-delta client fetches the data with delta anyway.
 *
 * @example
 * onChange: (n: ChangeNotification) => console.log(`${n.changeType} ${n.resource}`)
 */
export interface ChangeNotification {
  subscriptionId: string;
  changeType: string;
  resource?: string;
  clientState?: string;
  subscriptionExpirationDateTime?: string;
  tenantId?: string;
  resourceData?: Record<string, unknown>;
}

/**
 * A lifecycle notification (spec §4.7): `reauthorizationRequired`, `subscriptionRemoved` or
 * `missed` (others may come; they are passed on as they are).
 *
 * @example
 * onLifecycle: (n: LifecycleNotification) => n.lifecycleEvent === "missed" && resyncEverything()
 */
export interface LifecycleNotification {
  subscriptionId: string;
  lifecycleEvent: string;
  clientState?: string;
  subscriptionExpirationDateTime?: string;
  tenantId?: string;
}

/**
 * Options of {@link NotificationListener.start}.
 *
 * @example
 * const options: NotificationListenerOptions = { port: 0, clientState: randomUUID(), onChange, onLifecycle };
 */
export interface NotificationListenerOptions {
  /** 0 picks a free port ({@link NotificationListener.origin} tells which). */
  port: number;
  /** Default 127.0.0.1; `0.0.0.0` when a reverse proxy on another host forwards to it. */
  host?: string | undefined;
  /** The secret sent with the subscription; notifications without it are dropped. */
  clientState: string;
  onChange: (notification: ChangeNotification) => void;
  onLifecycle: (notification: LifecycleNotification) => void;
  /** A notification was dropped (wrong or missing clientState, malformed entry). */
  onRejected?: ((rejection: { reason: string; subscriptionId?: string | undefined }) => void) | undefined;
  /** Larger bodies are refused with 413 (default 1 MB; Graph batches at most a few hundred notifications). */
  maxBodyBytes?: number | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function reply(res: ServerResponse, status: number, text = ""): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Listens for Graph change and lifecycle notifications on any path of `http://host:port`
 * (a reverse proxy or tunnel may rewrite the public URL's path).
 *
 * @example
 * const listener = await NotificationListener.start({ port: 8081, clientState, onChange: () => sync.runRound(), onLifecycle: console.log });
 * console.log(listener.url); // http://127.0.0.1:8081/notify
 * await listener.close();
 */
export class NotificationListener {
  readonly #server: Server;
  readonly #options: NotificationListenerOptions;
  #origin = "";

  private constructor(options: NotificationListenerOptions) {
    this.#options = Object.freeze({ ...options });
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /**
   * Binds the port and starts answering.
   *
   * @example
   * const listener = await NotificationListener.start({ port: 0, clientState, onChange, onLifecycle });
   */
  static async start(options: NotificationListenerOptions): Promise<NotificationListener> {
    const listener = new NotificationListener(options);
    await listener.#listen();
    return listener;
  }

  async #listen(): Promise<void> {
    const server = this.#server;
    const host = this.#options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#options.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : this.#options.port;
    this.#origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  }

  /** `http://host:port` as bound (the real port when 0 was asked for). */
  get origin(): string {
    return this.#origin;
  }

  /** The notification URL to subscribe with when Graph can reach this host directly. */
  get url(): string {
    return `${this.#origin}/notify`;
  }

  /**
   * Stops listening and drops open connections.
   *
   * @example
   * await listener.close();
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      reply(res, 405, "notifications are POSTed");
      return;
    }
    // The handshake (spec §4.3): echo the token, URL-decoded, as text/plain within 10 s.
    const token = new URL(req.url ?? "/", this.#origin).searchParams.get("validationToken");
    if (token !== null) {
      req.resume();
      reply(res, 200, token);
      return;
    }
    const body = await this.#readBody(req, res);
    if (body === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      reply(res, 400, "body is not JSON");
      return;
    }
    if (!isObject(parsed) || !Array.isArray(parsed.value)) {
      reply(res, 400, "body has no value array");
      return;
    }
    // Acknowledge first, work afterwards (spec §4.5: 202 when the work happens later).
    reply(res, 202);
    const entries = parsed.value;
    setImmediate(() => this.#dispatch(entries));
  }

  #readBody(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const limit = this.#options.maxBodyBytes ?? 1_000_000;
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is read and dropped, so the sender gets the 413 rather than a reset.
        if (size <= limit) chunks.push(chunk);
      });
      req.on("end", () => {
        if (size <= limit) {
          resolve(Buffer.concat(chunks).toString("utf8"));
          return;
        }
        res.setHeader("connection", "close");
        reply(res, 413, "body too large");
        resolve(undefined);
      });
      req.on("error", () => resolve(undefined));
    });
  }

  #dispatch(entries: unknown[]): void {
    const { clientState, onChange, onLifecycle, onRejected } = this.#options;
    for (const entry of entries) {
      const subscriptionId = isObject(entry) && typeof entry.subscriptionId === "string" ? entry.subscriptionId : undefined;
      if (!isObject(entry) || subscriptionId === undefined) {
        onRejected?.({ reason: "malformed notification" });
      } else if (!sameSecret(clientState, entry.clientState)) {
        onRejected?.({ reason: "clientState does not match", subscriptionId });
      } else if (typeof entry.lifecycleEvent === "string") {
        onLifecycle(entry as unknown as LifecycleNotification);
      } else if (typeof entry.changeType === "string") {
        onChange(entry as unknown as ChangeNotification);
      } else {
        onRejected?.({ reason: "neither changeType nor lifecycleEvent", subscriptionId });
      }
    }
  }
}
