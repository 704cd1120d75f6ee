import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { VerifiedCache, type Principal } from "../domain/index.js";
import { correlationHeaders } from "./correlation.js";

// Delta polls of an unchanged mailbox, answered before Fastify sees them (issue 15). Almost every
// request a syncing client makes is its saved deltaLink, and almost every answer is "nothing
// new, here is the same deltaLink": the same bytes as last time. Such an answer is kept here
// with everything the request must repeat for the bytes to be the same again, and a check from
// the domain that the mailbox is still where the token says; a request that matches in full is
// answered from it, any other goes through the whole pipeline. Cache entry 12 of
// domain/cache/README.md; docs/decisions/0002-delta-watermark-cache.md says why it is safe.

/** What the pipeline answered, and what a later request must share for the answer to be the same. */
export interface ReplayableAnswer {
  /** The raw request target (path and query): the token is in it. */
  url: string;
  authorization: string;
  /** Links are absolute, built from the Host header (unless PUBLIC_BASE_URL is set). */
  host: string | undefined;
  /** Page size, time zone and body type preferences shape the answer. */
  prefer: string | undefined;
  /** Who the bearer verified to: the replay needs the verifier to still hold it, unexpired. */
  principal: Principal;
  /** The domain's word that polling again would give the same answer (DeltaService.repeatsUnchanged). */
  stillUnchanged: () => boolean;
  /** Response headers besides the per-request correlation ones. */
  headers: Record<string, string>;
  body: string | Buffer;
}

interface Entry {
  readonly answer: ReplayableAnswer;
  /** Header pairs for writeHead, content-length included, correlation headers excluded. */
  readonly flat: readonly string[];
  readonly body: Buffer;
}

/** As many answers as the verified-token caches hold tokens: one per polling client. */
const REPLAY_LIMIT = 10_000;
/** The tail of a delta URL is its token's MAC: distinct URLs differ there (VerifiedCache). */
const REPLAY_KEY_CHARS = 32;

export class PollReplay {
  readonly #entries = new VerifiedCache<Entry>({ limit: REPLAY_LIMIT, tailChars: REPLAY_KEY_CHARS });
  #replayed = 0;

  constructor(private readonly deps: {
    /** The verifier's cached principal for a header, undefined unless cached and unexpired. */
    cachedPrincipal: (authorization: string) => Principal | undefined;
    https: boolean;
  }) {}

  /** How many requests were answered here since start (the console and tests read it). */
  get replayed(): number {
    return this.#replayed;
  }

  remember(answer: ReplayableAnswer): void {
    const body = typeof answer.body === "string" ? Buffer.from(answer.body) : answer.body;
    const flat: string[] = [];
    for (const name in answer.headers) flat.push(name, answer.headers[name] as string);
    flat.push("content-length", String(body.length));
    this.#entries.set(answer.url, { answer, flat, body });
  }

  /**
   * Answers `request` if it repeats a kept answer's request and the domain says the answer
   * still holds; returns false (having written nothing) for the pipeline to handle it.
   */
  tryServe(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== "GET") return false;
    const url = request.url;
    if (url === undefined || !url.includes("deltatoken=")) return false;
    const entry = this.#entries.get(url);
    if (entry === undefined) return false;
    const { answer } = entry;
    const h = request.headers;
    // A body on a GET goes to Fastify's parser, which may refuse it: not a repeat.
    if (h.authorization !== answer.authorization || h.host !== answer.host || h.prefer !== answer.prefer
      || h["content-length"] !== undefined || h["transfer-encoding"] !== undefined) return false;
    if (this.deps.cachedPrincipal(answer.authorization) !== answer.principal) return false;
    if (!answer.stillUnchanged()) {
      this.#entries.delete(url);
      return false;
    }
    const headers = correlationHeaders(randomUUID(), h["client-request-id"], this.deps.https);
    for (const part of entry.flat) headers.push(part);
    response.writeHead(200, headers);
    response.end(entry.body);
    this.#replayed++;
    return true;
  }
}

const replays = new WeakMap<object, PollReplay>();

/** The replay in front of an app built by createApp (keyed by the app, so the app's type stays Fastify's). */
export function pollReplayOf(app: object): PollReplay | undefined {
  return replays.get(app);
}

export function attachPollReplay(app: object, replay: PollReplay): void {
  replays.set(app, replay);
}
