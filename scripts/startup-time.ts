// How long `startGraphcal()` takes to the first answered request (issue 11: target ≤ 300 ms),
// in a fresh process as a test suite's first start is, and then warm (later starts in the same
// process). Runs against the build: `npm run build && node --import tsx scripts/startup-time.ts`.
import { performance } from "node:perf_hooks";
import { startGraphcal } from "../dist/testing/index.js";

async function once(): Promise<number> {
  const started = performance.now();
  const gc = await startGraphcal();
  const res = await fetch(`${gc.baseUrl}/me/calendars`, { headers: { authorization: `Bearer ${await gc.token("samanthab@contoso.com")}` } });
  if (res.status !== 200) throw new Error(`first request answered ${res.status}`);
  await res.text();
  const ms = performance.now() - started;
  await gc.close();
  return ms;
}

const first = await once();
const warm: number[] = [];
for (let i = 0; i < 5; i++) warm.push(await once());
warm.sort((a, b) => a - b);
console.log(`startGraphcal() → first answered request: first in process ${first.toFixed(0)} ms; warm median ${warm[2]!.toFixed(0)} ms (min ${warm[0]!.toFixed(0)}, max ${warm[4]!.toFixed(0)}); target ≤ 300 ms`);
