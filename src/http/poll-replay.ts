import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { VerifiedCache } from "../domain/index.js";
import { correlationHeaders } from "./correlation.js";
import type { RequestHead } from "./request-head.js";

// Delta requests whose answer is known, answered before Fastify sees them (issue 15). Almost every
// request a syncing client makes is its saved deltaLink, and almost every answer is "nothing
// new, here is the same deltaLink": the same bytes as last time. And a later page of a round
// (its nextLink) is cut from frozen history: the same bytes again for a client that retries, or
// for a benchmark or test harness paging through the same round. Such an answer is kept here
// with everything the request must repeat for the bytes to be the same again, and a check from
// the domain that the answer still holds; a request that matches in full is answered from it,
// any other goes through the whole pipeline. Cache entry 12 of domain/cache/README.md;
// docs/decisions/0002-delta-watermark-cache.md says why it is safe.

/** What the pipeline answered, and what a later request must share for the answer to be the same. */
export interface ReplayableAnswer {
  /** The raw request target (path and query): the token is in it. */
  url: string;
  authorization: string;
  /** Links are absolute, built from the Host header (unless PUBLIC_BASE_URL is set). */
  host: string | undefined;
  /** Page size, time zone and body type preferences shape the answer. */
  prefer: string | undefined;
  /**
   * When the bearer expires (ms, from the verifier's cache): a replay needs it unexpired. The
   * header was verified in full for the answer and is compared in full on each replay; the
   * verifier keeps no other verdict about it (it never revokes a token before its expiry).
   */
  expiresAtMs: number;
  /** The domain's word that asking again would give the same answer (DeltaService.repeatsUnchanged, repeatsPage). */
  stillUnchanged: () => boolean;
  /** Response headers besides the per-request correlation ones. */
  headers: Record<string, string>;
  /** The body, or its parts in order (JsonText). */
  body: string | Buffer | readonly Buffer[];
  /**
   * Set on an answer made before it was asked for (the next page of a round a client is paging
   * through, app.ts): kept at once rather than from its second answer, sent once, then dropped
   * (it was the page's first answer: a retry goes through the pipeline and is kept from then on,
   * as any page); `onServed` runs once it is sent (the page after it is made in turn).
   */
  ahead?: { onServed?: () => void };
}

interface Entry {
  readonly answer: ReplayableAnswer;
  /** Header pairs for writeHead, content-length included, correlation headers excluded. */
  readonly flat: readonly string[];
  /** The body's parts, written in order; never joined into one page-sized buffer. */
  readonly body: readonly Buffer[];
  readonly length: number;
}

/** As many answers as the verified-token caches hold tokens: one per polling client. */
const REPLAY_LIMIT = 10_000;
/** The tail of a delta URL is its token's MAC: distinct URLs differ there (VerifiedCache). */
const REPLAY_KEY_CHARS = 32;
/**
 * Later pages are tens of kilobytes each (a hundred events): kept by bytes. 32 MB holds the
 * pages of a few initial rounds of large mailboxes; the oldest make room.
 */
const PAGE_REPLAY_BYTES = 32 * 1024 * 1024;
const AHEAD_BYTES = 16 * 1024 * 1024;
/** The URLs of pages answered once (about a kilobyte each). */
const PAGES_SEEN_CHARS = 4 * 1024 * 1024;

export class PollReplay {
  /** No-change polls (`$deltatoken`): small, one per polling client. */
  readonly #polls = new VerifiedCache<Entry>({ limit: REPLAY_LIMIT, tailChars: REPLAY_KEY_CHARS });
  /** Later pages (`$skiptoken`), in their own budget so an initial sync cannot push polls out. */
  readonly #pages = new VerifiedCache<Entry>({
    limit: REPLAY_LIMIT, tailChars: REPLAY_KEY_CHARS, maxChars: PAGE_REPLAY_BYTES, sizeOf: (entry) => entry.length,
  });
  /**
   * Pages made ahead (ReplayableAnswer.ahead), apart from the pages kept on a second answer: a
   * client that stops paging leaves its next page here unasked, and such leftovers push out only
   * each other. 16 MB holds the next page of a few hundred clients paging at once.
   */
  readonly #ahead = new VerifiedCache<Entry>({
    limit: REPLAY_LIMIT, tailChars: REPLAY_KEY_CHARS, maxChars: AHEAD_BYTES, sizeOf: (entry) => entry.length,
  });
  /**
   * Page URLs answered once. A client syncing follows each nextLink once, so a page is kept only
   * when it is asked for again (a retry, a re-run): keeping every page would hold tens of
   * kilobytes per page that is never asked for again, and churn the budget under an initial sync.
   */
  readonly #pagesSeen = new VerifiedCache<true>({ limit: REPLAY_LIMIT, tailChars: REPLAY_KEY_CHARS, maxChars: PAGES_SEEN_CHARS });
  #replayed = 0;

  constructor(private readonly deps: {
    /** The (virtual) clock's time in ms, which the verifier judges expiry by. */
    nowMs: () => number;
    https: boolean;
  }) {}

  /** Answers being made ahead (app.ts): `idle()` waits for them. */
  readonly #making = new Set<Promise<unknown>>();

  /** Notes an answer being made ahead, for `idle()`. */
  making(work: Promise<unknown>): void {
    this.#making.add(work);
    // Making ahead is an optimisation: whatever went wrong, the request meets it in the pipeline.
    work.catch(() => undefined).finally(() => this.#making.delete(work)).catch(() => undefined);
  }

  /** Resolves once no answer is being made ahead (tests: the next page's request then finds it). */
  async idle(): Promise<void> {
    while (this.#making.size > 0) await Promise.allSettled([...this.#making]);
  }

  /** How many requests were answered here since start (the console and tests read it). */
  get replayed(): number {
    return this.#replayed;
  }

  remember(answer: ReplayableAnswer): void {
    let entries = this.#entriesFor(answer.url);
    if (entries === undefined) return;
    if (entries === this.#pages && answer.ahead) {
      // A page kept from its second answer stays: an answer made ahead is dropped once sent.
      if (entries.get(answer.url) !== undefined) return;
      entries = this.#ahead;
    } else if (entries === this.#pages && this.#pagesSeen.get(answer.url) === undefined) {
      this.#pagesSeen.set(answer.url, true);
      return;
    }
    const body = typeof answer.body === "string" ? [Buffer.from(answer.body)] : Buffer.isBuffer(answer.body) ? [answer.body] : answer.body;
    let length = 0;
    for (const part of body) length += part.length;
    const flat: string[] = [];
    for (const name in answer.headers) flat.push(name, answer.headers[name] as string);
    flat.push("content-length", String(length));
    entries.set(answer.url, { answer, flat, body, length });
  }

  /**
   * Answers `request` if it repeats a kept answer's request and the domain says the answer
   * still holds; returns false (having written nothing) for the pipeline to handle it.
   */
  tryServe(request: IncomingMessage, response: ServerResponse, head: RequestHead): boolean {
    if (request.method !== "GET") return false;
    const url = request.url;
    if (url === undefined) return false;
    let entries = this.#entriesFor(url);
    if (entries === undefined) return false;
    let entry = entries.get(url);
    if (entry === undefined && entries === this.#pages) entry = (entries = this.#ahead).get(url);
    if (entry === undefined) return false;
    const { answer } = entry;
    // A body on a GET goes to Fastify's parser, which may refuse it: not a repeat. Nor is a head
    // with a line Node would join or drop (RequestHead.repeated): the pipeline reads it as Node does.
    if (head.authorization !== answer.authorization || head.host !== answer.host || head.prefer !== answer.prefer
      || head.body || head.repeated) return false;
    if (this.deps.nowMs() >= answer.expiresAtMs) return false;
    if (!answer.stillUnchanged()) {
      entries.delete(url);
      return false;
    }
    const headers = correlationHeaders(randomUUID(), head.clientRequestId, this.deps.https);
    for (const part of entry.flat) headers.push(part);
    response.writeHead(200, headers);
    const { body } = entry;
    if (body.length === 1) response.end(body[0]);
    else {
      // Corked, so the head and every part leave in one writev (end corks a single part itself).
      response.cork();
      for (let i = 0; i < body.length - 1; i++) response.write(body[i]);
      response.end(body[body.length - 1]);
      response.uncork();
    }
    this.#replayed++;
    if (answer.ahead) {
      entries.delete(url);
      this.#pagesSeen.set(url, true);
      answer.ahead.onServed?.();
    }
    return true;
  }

  /** Which cache a URL's answer belongs in, by its token; none for a URL without one. */
  #entriesFor(url: string): VerifiedCache<Entry> | undefined {
    return url.includes("deltatoken=") ? this.#polls : url.includes("skiptoken=") ? this.#pages : undefined;
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
