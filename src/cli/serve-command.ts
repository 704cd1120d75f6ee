import { parseArgs } from "node:util";
import { createServer, parseConfig } from "../server/index.js";

export async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" }, "database-url": { type: "string" },
      "public-base-url": { type: "string" }, "https-port": { type: "string" },
      "log-level": { type: "string" }, "no-seed": { type: "boolean" },
      memory: { type: "boolean" }, "dev-open-admin": { type: "boolean" },
      faults: { type: "string" }, throttle: { type: "string" }, quirks: { type: "string" }, fixtures: { type: "string" },
      "graph-extensions": { type: "boolean" },
    },
  });
  const config = parseConfig(process.env, values);
  const server = await createServer(config);
  const addresses = await server.listen();
  const lines = [`graphcal listening on ${addresses.http} (Graph at ${addresses.http}/v1.0 and /beta)`];
  if (addresses.https) lines.push(`graphcal HTTPS on ${addresses.https} (certificate: ${addresses.certPath})`);
  const where = config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}`
    : config.dataDir === ":memory:" ? "in memory (nothing is written to disk; gone when the server stops)" : config.dataDir;
  lines.push(`data: ${where}${config.seedDemo ? " — demo tenant contoso seeded (see README)" : ""}`);
  if (config.devOpenAdmin) lines.push("WARNING: --dev-open-admin: anyone who reaches this port can reset data and move the clock (/_graphcal)");
  process.stderr.write(`${lines.join("\n")}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}
