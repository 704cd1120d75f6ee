import { ValidationError } from "../../domain/index.js";
import { compilePathPattern, type PathPattern } from "./path-pattern.js";
import { seededRandom } from "./seeded-random.js";
import type { FaultRuleSpec } from "./fault-rule.js";

// The loaded fault rules and the one decision made per request: does a rule fire, and which.
// Pure apart from the rules' own counters (no I/O, no clock), so it is unit-tested directly.
// Rules are tried in the order they were added; the first that fires answers the request, and
// the rules after it do not see (or count) that request.

/** What a request is matched on, in normalised form (see normalizePath). */
export interface RequestFacts {
  method: string;
  /** True for `/v1.0/…` and `/beta/…`: then `path` is the part after the version. */
  graph: boolean;
  path: string;
  /** The target mailbox as the request names it, lower case: `/users/{this}`, or the caller for `/me`. */
  mailbox: string | undefined;
  appId: string | undefined;
}

/** A rule with its compiled pattern and counters, as `GET /_graphcal/faults` shows it. */
export interface FaultRuleView extends FaultRuleSpec {
  id: string;
  /** Requests that matched the rule's criteria (fired or not). */
  matched: number;
  /** Requests the rule answered. */
  hits: number;
}

interface CompiledRule {
  readonly spec: FaultRuleSpec & { id: string };
  readonly pattern: PathPattern | undefined;
  /** The mailbox criterion as any of its names (the given one, and its id and UPN once resolved). */
  readonly mailboxKeys: Set<string> | undefined;
  readonly draw: (() => number) | undefined;
  matched: number;
  hits: number;
}

/** Bound on the memo of "could a rule match this path" (distinct delta paths are few). */
const MEMO_LIMIT = 1000;

export class FaultMatcher {
  #rules: CompiledRule[] = [];
  #nextId = 1;
  /** `method path` → whether any rule's method and path could match: the replay's fast answer. */
  readonly #memo = new Map<string, boolean>();
  #needsPrincipal = false;

  get size(): number {
    return this.#rules.length;
  }

  /** Whether some rule looks at who calls (app id, or a mailbox that `/me` may stand for). */
  get needsPrincipal(): boolean {
    return this.#needsPrincipal;
  }

  /** Adds a validated rule; `mailboxNames` are other names of its mailbox (id, UPN) when known. */
  add(spec: FaultRuleSpec, mailboxNames: readonly string[] = []): FaultRuleView {
    const id = spec.id ?? this.#freshId();
    if (this.has(id)) throw new ValidationError(`id: a rule with id '${id}' exists already`, "badRequest");
    const rule: CompiledRule = {
      spec: { ...spec, id },
      pattern: spec.path === undefined ? undefined : compilePathPattern(spec.path),
      mailboxKeys: spec.mailbox === undefined ? undefined : new Set([spec.mailbox, ...mailboxNames].map((n) => n.toLowerCase())),
      draw: spec.probability === undefined ? undefined : seededRandom(spec.seed ?? 0),
      matched: 0,
      hits: 0,
    };
    this.#rules.push(rule);
    this.#changed();
    return viewOf(rule);
  }

  has(id: string): boolean {
    return this.#rules.some((r) => r.spec.id === id);
  }

  list(): FaultRuleView[] {
    return this.#rules.map(viewOf);
  }

  clear(): number {
    const n = this.#rules.length;
    this.#rules = [];
    this.#changed();
    return n;
  }

  delete(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.spec.id !== id);
    this.#changed();
    return this.#rules.length < before;
  }

  /**
   * Whether any rule could fire on this method and path, whoever calls: no counter moves. The
   * poll replay asks this before answering without the pipeline; a "yes" sends the request
   * through the pipeline, where `take` decides for real.
   */
  mightMatch(method: string, graph: boolean, path: string): boolean {
    if (this.#rules.length === 0) return false;
    const key = `${method} ${graph ? "" : "!"}${path}`;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const result = this.#rules.some((r) => routeMatches(r, method, graph, path));
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
    this.#memo.set(key, result);
    return result;
  }

  /** The rule that fires on this request, if any; counts the request on every rule it reached. */
  take(facts: RequestFacts): FaultRuleView | undefined {
    for (const rule of this.#rules) {
      if (!matches(rule, facts)) continue;
      rule.matched++;
      const { nth = 1, probability } = rule.spec;
      // `nth` alone fires once, on that request; with `times` it fires on that many from there.
      const times = rule.spec.times ?? (rule.spec.nth === undefined ? Infinity : 1);
      if (rule.matched < nth || rule.hits >= times) continue;
      // Drawn only for eligible requests, so a seed gives the same verdicts on every run.
      if (rule.draw && probability !== undefined && !(rule.draw() < probability)) continue;
      rule.hits++;
      return viewOf(rule);
    }
    return undefined;
  }

  #freshId(): string {
    let id: string;
    do id = `fault-${this.#nextId++}`; while (this.has(id));
    return id;
  }

  #changed(): void {
    this.#memo.clear();
    this.#needsPrincipal = this.#rules.some((r) => r.spec.appId !== undefined || r.spec.mailbox !== undefined);
  }
}

function routeMatches(rule: CompiledRule, method: string, graph: boolean, path: string): boolean {
  if (rule.spec.method !== undefined && rule.spec.method !== method) return false;
  // Identity endpoints (token, discovery) are only reached by a pattern that names them.
  if (!graph && !rule.pattern?.namesIdentity) return false;
  return rule.pattern === undefined || rule.pattern.matches(path);
}

function matches(rule: CompiledRule, facts: RequestFacts): boolean {
  if (!routeMatches(rule, facts.method, facts.graph, facts.path)) return false;
  if (rule.mailboxKeys && (facts.mailbox === undefined || !rule.mailboxKeys.has(facts.mailbox))) return false;
  if (rule.spec.appId !== undefined && rule.spec.appId.toLowerCase() !== facts.appId) return false;
  return true;
}

function viewOf(rule: CompiledRule): FaultRuleView {
  return { ...rule.spec, matched: rule.matched, hits: rule.hits };
}
