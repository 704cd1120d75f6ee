// A test-only HTTP proxy in front of a real graphcal: forwards every request unchanged (the
// Host header too, so the server builds its links on the proxy's origin) unless the plan says
// to inject a fault for it.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault =
  /** Answer this instead of forwarding. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body?: unknown }
  /** Destroy the connection without answering. */
  | { kind: "drop" }
  /** Forward, send the headers and half the body, then destroy the connection. */
  | { kind: "drop-mid-body" }
  /** Forward after a pause. */
  | { kind: "delay"; ms: number }
  /** Forward and rewrite the JSON body (duplicates, replays…). */
  | { kind: "rewrite"; rewrite: (body: any) => unknown };

export interface ProxiedRequest {
  /** 0-based, over all requests the proxy received. */
  index: number;
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage["headers"];
  fault: Fault["kind"] | undefined;
}

export type FaultPlan = (request: ProxiedRequest) => Fault | undefined | Promise<Fault | undefined>;

export interface FaultProxy {
  origin: string;
  requests: ProxiedRequest[];
  /** Replaces the plan (undefined: forward everything). */
  setPlan(plan: FaultPlan | undefined): void;
  close(): Promise<void>;
}

/** A Graph error body like the server's own. */
export function graphErrorBody(code: string, message = `${code} (injected by the test proxy)`) {
  return { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), "request-id": "fault-proxy", "client-request-id": "fault-proxy" } } };
}

export async function startFaultProxy(target: string, initialPlan?: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  let plan = initialPlan;
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (fault?.kind === "rewrite" && (up.statusCode ?? 0) === 200) {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.from(JSON.stringify(fault.rewrite(JSON.parse(Buffer.concat(chunks).toString("utf8")))));
          const { "content-length": _length, ...headers } = up.headers;
          res.writeHead(200, { ...headers, "content-length": body.length }).end(body);
        });
        return;
      }
      if (fault?.kind === "drop-mid-body") {
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const body = Buffer.concat(chunks);
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        });
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on("error", () => res.socket?.destroy());
    req.pipe(out);
  };

  const server = createServer(async (req, res) => {
    const entry: ProxiedRequest = { index: requests.length, method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, fault: undefined };
    requests.push(entry);
    const fault = await plan?.(entry);
    entry.fault = fault?.kind;
    if (fault?.kind === "drop") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") {
      const body = JSON.stringify(fault.body ?? graphErrorBody("Injected"));
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers }).end(body);
      return;
    }
    if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
    forward(req, res, fault);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    setPlan(next) {
      plan = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
