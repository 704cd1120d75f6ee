import type { Temporal } from "temporal-polyfill";
import type { Event, TimeSpan } from "../../model.js";
import type { Occurrence } from "../time/recurrence/expand-occurrences.js";
import {
  expandSeries, isPatternOccurrence, isSeriesMaster, neighbourOriginals, OPEN_END_MS, seriesExtent, seriesStartMs,
} from "./series.js";

// One series' occurrences, expanded once and asked many questions: is there an occurrence at
// this instant, which one falls on this date, which are its neighbours, where does the series
// end. A fixture names exceptions and cancellations by date and checks each exception against
// its neighbours; asking series.ts each time re-expands the pattern for every question (about
// 1.6 ms a series in the 500-event fixture of bench case 10). A series with an end is expanded
// in full once; an open-ended one (or a numbered one too long to list) falls back to the
// windowed questions of series.ts, which stay exact.

/** Beyond this many occurrences the timeline is not listed (the windowed answers stay cheap). */
const LISTED_LIMIT = 5_000;

export class SeriesTimeline {
  readonly #master: Event;
  /** Every occurrence in start order, or undefined when the series is open-ended or too long. */
  readonly #all: readonly Occurrence[] | undefined;
  #byDate: Map<string, number> | undefined;

  constructor(master: Event) {
    this.#master = master;
    this.#all = listed(master);
  }

  /** The extent `seriesExtent` would give (same slack), from the listing when there is one. */
  extent(): TimeSpan {
    if (!this.#all || !isSeriesMaster(this.#master) || this.#master.recurrence.range.type !== "numbered") return seriesExtent(this.#master);
    const startMs = seriesStartMs(this.#master);
    const last = this.#all[this.#all.length - 1];
    return { startMs, endMs: last ? last.endMs + DAY_MS : startMs + DAY_MS };
  }

  /** Whether the pattern puts an occurrence at exactly `originalStartMs` (cancelled or not). */
  has(originalStartMs: number): boolean {
    return this.#all ? this.#indexOf(originalStartMs) >= 0 : isPatternOccurrence(this.#master, originalStartMs);
  }

  /** The pattern's date of the occurrence at `originalStartMs`, when the listing knows it. */
  dateOf(originalStartMs: number): Temporal.PlainDate | undefined {
    if (!this.#all) return undefined;
    return this.#all[this.#indexOf(originalStartMs)]?.date;
  }

  /**
   * The original start of the occurrence on `date` (YYYY-MM-DD, the series' zone; Graph's
   * patterns put at most one occurrence on a day). `around` is a window holding that day, for
   * a series that is not listed.
   */
  onDate(date: string, around: () => TimeSpan): number | undefined {
    if (!this.#all) return expandSeries(this.#master, around()).find((o) => o.date.toString() === date)?.originalStartMs;
    this.#byDate ??= new Map(this.#all.map((o) => [o.date.toString(), o.originalStartMs]));
    return this.#byDate.get(date);
  }

  /** The nearest occurrences before and after `originalStartMs` that are not cancelled, as `neighbourOriginals`. */
  neighbours(originalStartMs: number, cancelled: ReadonlySet<number>): { previous?: number; next?: number } {
    if (!this.#all) return neighbourOriginals({ ...this.#master, cancelledOccurrences: [...cancelled] }, originalStartMs);
    const all = this.#all;
    // The insertion point: the first occurrence at or after originalStartMs.
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((all[mid] as Occurrence).originalStartMs < originalStartMs) lo = mid + 1;
      else hi = mid;
    }
    const out: { previous?: number; next?: number } = {};
    for (let i = lo - 1; i >= 0; i--) {
      const o = all[i] as Occurrence;
      if (!cancelled.has(o.originalStartMs)) {
        out.previous = o.originalStartMs;
        break;
      }
    }
    for (let i = lo; i < all.length; i++) {
      const o = all[i] as Occurrence;
      if (o.originalStartMs > originalStartMs && !cancelled.has(o.originalStartMs)) {
        out.next = o.originalStartMs;
        break;
      }
    }
    return out;
  }

  #indexOf(originalStartMs: number): number {
    const all = this.#all as readonly Occurrence[];
    let lo = 0;
    let hi = all.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = (all[mid] as Occurrence).originalStartMs;
      if (at === originalStartMs) return mid;
      if (at < originalStartMs) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

const DAY_MS = 86_400_000;

function listed(master: Event): readonly Occurrence[] | undefined {
  if (!isSeriesMaster(master)) return undefined;
  const { range } = master.recurrence;
  if (range.type === "noEnd" || (range.type === "numbered" && range.numberOfOccurrences > LISTED_LIMIT)) return undefined;
  const all = expandSeries(master, { startMs: seriesStartMs(master), endMs: OPEN_END_MS });
  return all.length <= LISTED_LIMIT ? all : undefined;
}
