import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { WebhookRequest, WebhookResult, WebhookTransport } from "../domain/index.js";

// Sends change notifications and validation handshakes with node:http(s) over keep-alive agents:
// receivers' sockets stay open between POSTs (the latency target), and a POST costs a fraction
// of what `fetch` (undici, WHATWG streams) costs per request — delivery shares the core with the
// writes it reports (issue 12's write-rate target). Redirects are not followed: Graph posts to
// the URL it was given.

/** What is kept of a receiver's answer: the handshake compares it to a token; the rest is read and dropped. */
const MAX_BODY_BYTES = 64 * 1024;

const agentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 64, maxFreeSockets: 16, scheduling: "lifo" as const };
const httpAgent = new HttpAgent(agentOptions);
const httpsAgent = new HttpsAgent(agentOptions);

export const webhookTransport: WebhookTransport = {
  post(request: WebhookRequest): Promise<WebhookResult> {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve({ status: null, text: "", latencyMs: 0, error: "network", detail: "invalid URL" });
    }
    return new Promise<WebhookResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<WebhookResult, "latencyMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener("abort", onAbort);
        resolve({ ...result, latencyMs: performance.now() - started });
      };
      const https = url.protocol === "https:";
      const body = Buffer.from(request.body, "utf8");
      const req = (https ? httpsRequest : httpRequest)(url, {
        method: "POST", agent: https ? httpsAgent : httpAgent,
        headers: { "content-type": request.contentType, "content-length": body.length },
      }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on("data", (chunk: Buffer) => {
          if (kept >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on("end", () => finish({ status: res.statusCode ?? null, text: Buffer.concat(chunks).toString("utf8").slice(0, MAX_BODY_BYTES), error: null }));
        res.on("error", (error) => finish({ status: null, text: "", error: "network", detail: error.message }));
      });
      const timer = setTimeout(() => {
        finish({ status: null, text: "", error: "timeout" });
        req.destroy();
      }, request.timeoutMs);
      const onAbort = () => {
        finish({ status: null, text: "", error: "aborted" });
        req.destroy();
      };
      if (request.signal?.aborted) {
        onAbort();
        return;
      }
      request.signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error: NodeJS.ErrnoException) => finish({ status: null, text: "", error: "network", detail: error.code ?? error.message }));
      req.end(body);
    });
  },
};
