import { afterEach, describe, expect, it } from "vitest";
import { NotificationListener, type ChangeNotification, type LifecycleNotification } from "./notification-listener.js";

// The receiver over a real loopback socket, as Graph reaches it.

let listener: NotificationListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(maxBodyBytes?: number) {
  const changes: ChangeNotification[] = [];
  const lifecycle: LifecycleNotification[] = [];
  const rejected: { reason: string; subscriptionId?: string | undefined }[] = [];
  listener = await NotificationListener.start({
    port: 0, clientState: "s3cret", maxBodyBytes,
    onChange: (n) => changes.push(n), onLifecycle: (n) => lifecycle.push(n), onRejected: (r) => rejected.push(r),
  });
  return { l: listener, changes, lifecycle, rejected };
}

const post = (url: string, body: string, contentType = "application/json") =>
  fetch(url, { method: "POST", headers: { "content-type": contentType }, body });
const tick = () => new Promise((r) => setImmediate(r));

describe("NotificationListener", () => {
  it("handshake: echoes the URL-decoded validationToken as text/plain with 200", async () => {
    const { l } = await start();
    expect(l.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify$/);
    const token = "Validation: Testing client application reachability for subscription Request-Id: 1a2b+c/=";
    const res = await post(`${l.url}?validationToken=${encodeURIComponent(token)}`, "", "text/plain; charset=utf-8");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(token);
  });

  it("notifications: 202, then change and lifecycle entries go to their handlers; wrong clientState is dropped", async () => {
    const { l, changes, lifecycle, rejected } = await start();
    const res = await post(`${l.origin}/any/path`, JSON.stringify({
      value: [
        { subscriptionId: "S", changeType: "created", resource: "Users/u/Events/e", clientState: "s3cret" },
        { subscriptionId: "S", changeType: "updated", resource: "Users/u/Events/e", clientState: "forged" },
        { subscriptionId: "S", changeType: "updated", resource: "Users/u/Events/e" },
        { subscriptionId: "S", lifecycleEvent: "missed", clientState: "s3cret" },
        { changeType: "created", clientState: "s3cret" },
      ],
    }));
    expect(res.status).toBe(202);
    await tick();
    expect(changes).toEqual([{ subscriptionId: "S", changeType: "created", resource: "Users/u/Events/e", clientState: "s3cret" }]);
    expect(lifecycle).toEqual([{ subscriptionId: "S", lifecycleEvent: "missed", clientState: "s3cret" }]);
    expect(rejected).toEqual([
      { reason: "clientState does not match", subscriptionId: "S" },
      { reason: "clientState does not match", subscriptionId: "S" },
      { reason: "malformed notification" },
    ]);
  });

  it("bad requests: not JSON 400, no value array 400, GET 405, an oversized body 413; nothing dispatched", async () => {
    const { l, changes, rejected } = await start(1000);
    expect((await post(l.url, "{nope")).status).toBe(400);
    expect((await post(l.url, JSON.stringify({ values: [] }))).status).toBe(400);
    const get = await fetch(l.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const big = await post(l.url, JSON.stringify({ value: [{ subscriptionId: "S", changeType: "created", clientState: "x".repeat(2000) }] }));
    expect(big.status).toBe(413);
    await tick();
    expect(changes).toEqual([]);
    expect(rejected).toEqual([]);
  });

  it("start: a port in use is an error (EADDRINUSE)", async () => {
    const { l } = await start();
    const port = Number(new URL(l.origin).port);
    await expect(NotificationListener.start({ port, clientState: "x", onChange: () => {}, onLifecycle: () => {} })).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
