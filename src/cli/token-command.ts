import { parseArgs } from "node:util";
import { createServer, DEMO_CLIENT_ID, parseConfig } from "../server/index.js";

/** Prints one access token that a server over the same store accepts. */
export async function runToken(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      user: { type: "string" }, app: { type: "boolean" }, scopes: { type: "string" }, roles: { type: "string" },
      "client-id": { type: "string" }, "data-dir": { type: "string" }, "database-url": { type: "string" }, "no-seed": { type: "boolean" },
      lifetime: { type: "string" },
    },
  });
  if (!values.user === !values.app) {
    process.stderr.write("graphcal token: give either --user <upn|id> or --app\n");
    return 2;
  }
  const config = parseConfig(process.env, { "data-dir": values["data-dir"], "database-url": values["database-url"], "no-seed": values["no-seed"], "log-level": "silent" });
  const server = await createServer(config);
  try {
    const list = (s: string | undefined) => s?.split(/[\s,]+/).filter(Boolean);
    const lifetimeSeconds = values.lifetime ? Number(values.lifetime) : undefined;
    if (lifetimeSeconds !== undefined && !(Number.isInteger(lifetimeSeconds) && lifetimeSeconds > 0)) {
      process.stderr.write("graphcal token: --lifetime takes a positive number of seconds\n");
      return 2;
    }
    let token: string;
    if (values.user) {
      const mailbox = await server.services.mailboxes.findUser(values.user);
      if (!mailbox) {
        process.stderr.write(`graphcal token: no user '${values.user}' in ${config.dataDir}\n`);
        return 1;
      }
      ({ token } = await server.issuer.mintDelegated({
        mailbox, scopes: list(values.scopes) ?? ["Calendars.ReadWrite"], clientId: values["client-id"] ?? DEMO_CLIENT_ID,
        ...(lifetimeSeconds && { lifetimeSeconds }),
      }));
    } else {
      const clientId = values["client-id"] ?? DEMO_CLIENT_ID;
      const app = await server.store.getApp(clientId);
      if (!app) {
        process.stderr.write(`graphcal token: no app registration '${clientId}' in ${config.dataDir}\n`);
        return 1;
      }
      const roles = list(values.roles);
      ({ token } = await server.issuer.mintApp({ app, ...(roles && { roles }), ...(lifetimeSeconds && { lifetimeSeconds }) }));
    }
    process.stdout.write(`${token}\n`);
    return 0;
  } finally {
    await server.close();
  }
}
