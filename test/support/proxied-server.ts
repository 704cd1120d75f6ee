import { rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";
import { startTestServer, type TestServer } from "./harness.js";

/** A test server listening on loopback, the fault proxy in front of it, and an app token for it. */
export interface ProxiedServer {
  t: TestServer;
  proxy: FaultProxy;
  token: string;
}

/**
 * For a sync suite that drives the client over real sockets: starts the server and its fault
 * proxy before the file's tests and hands them to `ready`; afterwards stops both and removes the
 * suite's scratch folder `dir`.
 */
export function useProxiedServer(dir: string, ready: (server: ProxiedServer) => void): void {
  let t: TestServer | undefined;
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    t = await startTestServer();
    const { http } = await t.server.listen();
    proxy = await startFaultProxy(http);
    ready({ t, proxy, token: await t.appToken() });
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });
}
