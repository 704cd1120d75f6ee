import type { FastifyReply, FastifyRequest } from "fastify";
import type { ChangeFeed, ChangeFeedEntry } from "../../domain/index.js";

// One Server-Sent Events stream of a mailbox's change log (change-feed-routes.ts). It sends the
// entries above `after`, then, after every commit the feed hears of, the entries since the last
// one sent. Reads are serialised per stream, so entries go out once each and in seq order.
// see: https://html.spec.whatwg.org/multipage/server-sent-events.html

export type ChangeStreams = Set<{ end(): void }>;

/**
 * A comment line every so often keeps proxies from closing an idle stream, and re-reads the log,
 * which also catches writes another instance made over the same store (the feed hears only this
 * process's commits).
 */
const HEARTBEAT_MS = 15_000;
const PAGE = 500;

export function openChangeStream(args: {
  request: FastifyRequest; reply: FastifyReply; streams: ChangeStreams; feed: ChangeFeed; mailboxId: string; after: number;
  toJson: (entry: ChangeFeedEntry) => Record<string, unknown>;
}): void {
  const { reply, feed, mailboxId, streams } = args;
  let after = args.after;
  let reading = false;
  let again = false;
  let ended = false;

  reply.hijack();
  const raw = reply.raw;
  // The correlation headers the app set (request-id …) go along; an event stream is never cached.
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
  });
  raw.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ mailboxId, after })}\n\n`);

  const pump = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        let full: boolean;
        do {
          const page = await feed.list({ mailboxId, after, limit: PAGE });
          if (ended) return;
          for (const entry of page.entries) raw.write(`id: ${entry.seq}\nevent: change\ndata: ${JSON.stringify(args.toJson(entry))}\n\n`);
          after = page.lastSeq;
          full = page.entries.length === PAGE;
        } while (full);
      } while (again);
    } catch {
      // The store went away (closing) or failed: the reader reconnects with Last-Event-ID.
      stream.end();
    } finally {
      reading = false;
    }
  };

  const unsubscribe = feed.subscribe(mailboxId, () => void pump());
  const heartbeat = setInterval(() => {
    raw.write(": keep-alive\n\n");
    void pump();
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const stream = {
    end(): void {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(stream);
      raw.end();
    },
  };
  streams.add(stream);
  raw.on("close", () => stream.end());
  void pump();
}
