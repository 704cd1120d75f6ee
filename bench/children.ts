// Starting, pinning, talking to and stopping the server processes under test.
import { fork, execFileSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));
const live = new Set<ChildProcess>();

process.on("exit", () => {
  // Only the processes this bench started, by their own handle.
  for (const proc of live) proc.kill("SIGKILL");
});

let tasksetChecked: boolean | undefined;
function haveTaskset(): boolean {
  if (tasksetChecked === undefined) {
    try {
      execFileSync("taskset", ["-V"], { stdio: "ignore" });
      tasksetChecked = true;
    } catch {
      tasksetChecked = false;
    }
  }
  return tasksetChecked;
}

/** Pins every thread of a process to one CPU; false when that is not possible here. */
export function pin(pid: number, cpu: number): boolean {
  if (!haveTaskset()) return false;
  try {
    execFileSync("taskset", ["-a", "-pc", String(cpu), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** utime+stime of a process (all threads), in seconds, from /proc. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds all processes of the machine spent busy so far (/proc/stat, every CPU). */
export function machineBusySeconds(): number {
  try {
    const [, user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).map(Number) ?? [];
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits (up to maxSeconds) until the machine is nearly idle, because other work on these two
 * cores (another test run, a build) skews every figure. Returns the busy cores last seen.
 */
export async function waitForQuiet(maxSeconds: number, threshold = 0.15): Promise<{ busy: number; waited: number }> {
  const t0 = performance.now();
  let busy = Number.NaN;
  for (;;) {
    const b0 = machineBusySeconds();
    const s0 = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    busy = (machineBusySeconds() - b0) / ((performance.now() - s0) / 1000);
    const waited = (performance.now() - t0) / 1000;
    if (!(busy > threshold) || waited >= maxSeconds) return { busy, waited };
  }
}

export class ServerChild {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly proc: ChildProcess, readonly port: number, readonly label: string) {
    proc.on("message", (message: { id?: number; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(`${label}: ${message.error}`));
      else pending.resolve(message.result);
    });
  }

  get pid(): number {
    return this.proc.pid as number;
  }

  static async start(label: string, env: Record<string, string | undefined>, cpu: number | undefined): Promise<ServerChild> {
    const proc = fork(CHILD, [], {
      // BENCH_CPU_PROF=dir writes a V8 CPU profile of every server process into dir (on exit).
      execArgv: ["--import", "tsx", ...(process.env.BENCH_TRACE_GC ? [process.env.BENCH_TRACE_GC === "nvp" ? "--trace-gc-nvp" : "--trace-gc"] : []), ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, "--cpu-prof-interval", process.env.BENCH_CPU_PROF_INTERVAL ?? "1000"] : [])],
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    live.add(proc);
    proc.on("exit", () => live.delete(proc));
    const port = await new Promise<number>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${label} exited with ${code} before it was ready`));
      proc.once("exit", onExit);
      proc.on("message", (message: { type?: string; port?: number }) => {
        if (message.type === "ready") {
          proc.off("exit", onExit);
          resolve(message.port as number);
        }
      });
    });
    if (cpu !== undefined) pin(proc.pid as number, cpu);
    return new ServerChild(proc, port, label);
  }

  call<T>(op: string, args: unknown = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ id, op, args });
    });
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once("exit", () => resolve()));
    await Promise.race([this.call("close").catch(() => undefined), new Promise((r) => setTimeout(r, 5000))]);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}
