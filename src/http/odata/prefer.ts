export const DEFAULT_DELTA_PAGE_SIZE = 10;
export const MAX_DELTA_PAGE_SIZE = 1000;

/**
 * Reads `Prefer: odata.maxpagesize=n` from any of the (possibly repeated, comma-separated)
 * Prefer headers. Valid values are clamped to 1..1000; invalid ones are ignored (spec §7.4).
 * Like Graph, the preference is read on every request, not remembered in tokens.
 */
export function pageSizePreference(header: string | string[] | undefined): { size: number; applied: boolean } {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const part of value.split(",")) {
      const m = /^\s*(?:odata\.)?maxpagesize\s*=\s*"?([^"\s;]*)"?\s*$/i.exec(part);
      if (!m) continue;
      // Digits only: Number() would also take "0x10", "1e1" or "+3", which OData's grammar does not.
      const n = /^\d+$/.test(m[1] as string) ? Number(m[1]) : NaN;
      if (n >= 1) return { size: Math.min(n, MAX_DELTA_PAGE_SIZE), applied: true };
    }
  }
  return { size: DEFAULT_DELTA_PAGE_SIZE, applied: false };
}
