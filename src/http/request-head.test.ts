import { describe, expect, it } from "vitest";
import { readHead } from "./request-head.js";

describe("readHead", () => {
  it("reads the lines the edge needs, whatever their case, and counts every line's size", () => {
    const raw = ["Host", "a:1", "AUTHORIZATION", "Bearer x", "Prefer", "odata.maxpagesize=5", "client-request-id", "c1", "User-Agent", "t"];
    const head = readHead(raw);
    expect(head).toMatchObject({
      host: "a:1", authorization: "Bearer x", prefer: "odata.maxpagesize=5", clientRequestId: "c1",
      authorizations: 1, body: false, fault: false, repeated: false, contentLength: undefined,
    });
    expect(head.bytes).toBe(raw.reduce((n, s) => n + s.length, 0) + 4 * (raw.length / 2));
  });

  it("notes a body, a fault header, two bearers, and lines Node would join or drop", () => {
    expect(readHead(["Content-Length", "2"])).toMatchObject({ body: true, contentLength: "2", repeated: false });
    expect(readHead(["Transfer-Encoding", "chunked"])).toMatchObject({ body: true, contentLength: undefined });
    expect(readHead(["X-Graphcal-Fault", "429"]).fault).toBe(true);
    const two = readHead(["authorization", "Bearer a", "Authorization", "Bearer b"]);
    expect(two.authorizations).toBe(2);
    expect(two.authorization).toBe("Bearer a");
    for (const name of ["host", "prefer", "client-request-id", "content-length"]) {
      expect(readHead([name, "1", name.toUpperCase(), "2"]).repeated, name).toBe(true);
    }
    // Names of the same length as a read one are not mistaken for it.
    expect(readHead(["x-other-header-1", "v", "Accept-Language", "en", "hosts", "h"])).toMatchObject({ fault: false, host: undefined, repeated: false });
  });
});
