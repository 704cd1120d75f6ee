/**
 * Which mailboxes have change-notification subscriptions (catalogue entry 13), so that a write
 * to any other mailbox wakes no delivery and costs no query. Filled from the store by the
 * dispatcher's poll and told of subscriptions created here; until the first fill it answers
 * "yes" for every mailbox.
 *
 * Stale: a subscription created on another instance is unknown here until the next poll, so a
 * write made here in between is delivered by that poll instead of at once — later, never lost,
 * because delivery follows the subscription's cursor in the change log, not the wake-up.
 */
export class SubscribedMailboxes {
  #ids = new Set<string>();
  /** Added since the last fill: a fill whose query began before the add must not drop it. */
  #recent = new Set<string>();
  #filled = false;

  has(mailboxId: string): boolean {
    return !this.#filled || this.#ids.has(mailboxId);
  }

  add(mailboxId: string): void {
    this.#ids.add(mailboxId);
    this.#recent.add(mailboxId);
  }

  /** What the store listed, plus what was added meanwhile. */
  replace(mailboxIds: Iterable<string>): void {
    this.#ids = new Set([...mailboxIds, ...this.#recent]);
    this.#recent.clear();
    this.#filled = true;
  }
}
