// One call to a running server's /_graphcal controls over HTTP, as any client of the emulator
// makes it: the `graphcal` admin commands (cli/admin-client.ts) and graphcal/testing
// (testing/admin-calls.ts) both send theirs through this.

export type AdminMethod = "GET" | "POST" | "DELETE";

export interface AdminAnswer {
  status: number;
  /** The JSON body; the text when it is not JSON; undefined when empty (204). */
  body: unknown;
  text: string;
}

export async function callAdmin(args: {
  baseUrl: string; token: string | undefined; method: AdminMethod; path: string; body?: unknown;
}): Promise<AdminAnswer> {
  const headers: Record<string, string> = {};
  if (args.token) headers.authorization = `Bearer ${args.token}`;
  if (args.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${args.baseUrl.replace(/\/+$/, "")}${args.path}`, {
    method: args.method, headers, ...(args.body !== undefined && { body: JSON.stringify(args.body) }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}
