/** Names compare case-insensitively (spec decision 14); this is the key both sides use. */
export function nameKeyOf(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
