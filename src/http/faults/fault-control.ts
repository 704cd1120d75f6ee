import type { IncomingMessage } from "node:http";
import { ValidationError, type Clock, type Mailbox } from "../../domain/index.js";
import { FaultMatcher, type FaultRuleView, type RequestFacts } from "./fault-matcher.js";
import type { FaultRuleSpec } from "./fault-rule.js";
import { normalizePath } from "./path-pattern.js";
import { OutlookThrottle, type ThrottleLimits } from "./outlook-throttle.js";
import { RequestLog } from "./request-log.js";

// Everything the emulator does to requests on purpose, in one object per server (shared by its
// HTTP and HTTPS apps): the fault rules, the optional Outlook throttling profile, and the log of
// recent requests. The Fastify hooks (fault-hooks.ts) and the poll replay's gate ask it; the
// admin routes (routes/fault-routes.ts) edit it.

export interface FaultControlOptions {
  clock: Clock;
  /** Resolves a mailbox named by id or UPN (MailboxService.findUser), to match either name. */
  findMailbox: (idOrUpn: string) => Promise<Mailbox | undefined>;
  /** The Outlook throttling profile's limits; undefined when the profile is off (the default). */
  throttle?: ThrottleLimits | undefined;
  logSize?: number;
}

const GRAPH_PREFIXES = ["/v1.0/", "/beta/"];

export class FaultControl {
  readonly rules = new FaultMatcher();
  readonly log: RequestLog;
  readonly throttle: OutlookThrottle | undefined;
  readonly clock: Clock;
  readonly #findMailbox: FaultControlOptions["findMailbox"];

  constructor(options: FaultControlOptions) {
    this.clock = options.clock;
    this.#findMailbox = options.findMailbox;
    this.log = new RequestLog(options.logSize);
    this.throttle = options.throttle && new OutlookThrottle({ clock: options.clock, limits: options.throttle });
  }

  /** True when nothing can touch a request unless it asks (no rules, no throttling): the fast path. */
  get idle(): boolean {
    return this.rules.size === 0 && this.throttle === undefined;
  }

  /** Adds validated rules, all or none; a rule's mailbox is matched by its id and UPN alike. */
  async addRules(specs: readonly FaultRuleSpec[]): Promise<FaultRuleView[]> {
    const names = await Promise.all(specs.map(async (spec) => {
      const mailbox = spec.mailbox === undefined ? undefined : await this.#findMailbox(spec.mailbox);
      return mailbox ? [mailbox.id, mailbox.userPrincipalName] : [];
    }));
    // Ids are checked before any rule is added, so a rejected list leaves the rules as they were.
    const ids = new Set<string>();
    specs.forEach((spec, i) => {
      if (spec.id === undefined) return;
      if (ids.has(spec.id) || this.rules.has(spec.id)) {
        throw new ValidationError(`${specs.length > 1 ? `[${i}].` : ""}id: a rule with id '${spec.id}' exists already`, "badRequest");
      }
      ids.add(spec.id);
    });
    return specs.map((spec, i) => this.rules.add(spec, names[i]));
  }

  /**
   * Whether a request the poll replay could answer must go through the pipeline instead: it
   * asks for a fault itself, throttling counts it, or a rule may fire on its path. Called for
   * every request before Fastify, so the idle case is two property reads.
   */
  stepsAside(request: IncomingMessage, head: { fault: boolean }): boolean {
    if (head.fault) return true;
    if (this.idle) return false;
    if (this.throttle) return true;
    const target = targetOf(request.url ?? "/");
    return this.rules.mightMatch(request.method ?? "GET", target.graph, target.path);
  }

  /** Notes a request the replay answered (200, no rule fired: stepsAside said so). */
  recordReplayed(request: IncomingMessage): void {
    const url = request.url ?? "/";
    const q = url.indexOf("?");
    this.log.record({
      timeMs: this.clock.nowMs(), method: request.method ?? "GET", path: q < 0 ? url : url.slice(0, q), status: 200,
      requestId: "", fault: "replayed",
    });
  }

  /** The facts a rule matches a request on; `principal` only when some rule looks at the caller. */
  factsOf(method: string, url: string, caller: { userId?: string; appId: string } | undefined): RequestFacts {
    const target = targetOf(url);
    return { method, ...target, mailbox: target.graph ? mailboxNamed(target.path, caller) : undefined, appId: caller?.appId.toLowerCase() };
  }

  /** The mailbox id a throttling budget is kept for: `/me` is the caller's, `/users/{id|upn}` resolved. */
  async throttledMailbox(facts: RequestFacts): Promise<string | undefined> {
    if (facts.mailbox === undefined) return undefined;
    if (facts.path.startsWith("/me")) return facts.mailbox;
    return (await this.#findMailbox(facts.mailbox))?.id ?? facts.mailbox;
  }
}

/** Graph requests are matched on the path after the version; other ones on the whole path. */
export function targetOf(url: string): { graph: boolean; path: string } {
  const q = url.indexOf("?");
  const raw = q < 0 ? url : url.slice(0, q);
  for (const prefix of GRAPH_PREFIXES) {
    if (raw.startsWith(prefix)) return { graph: true, path: normalizePath(raw.slice(prefix.length - 1)) };
  }
  return { graph: false, path: normalizePath(raw) };
}

/** `/me/…` names the caller's mailbox (delegated tokens only); `/users/{x}/…` names x. */
function mailboxNamed(path: string, caller: { userId?: string } | undefined): string | undefined {
  const segments = path.split("/", 3);
  if (segments[1] === "me") return caller?.userId?.toLowerCase();
  if (segments[1] === "users" && segments[2]) return segments[2];
  return undefined;
}
