import { describe, expect, it } from "vitest";
import { ManualClock } from "../clock.js";
import type { Mailbox } from "../model.js";
import { MAILBOX_CACHE_TTL_MS, MailboxCache } from "./mailbox-cache.js";

const ID = "0b6f2b3c-8d4e-4f5a-9b6c-7d8e9f0a1b2c";

function adele(): Mailbox {
  return {
    id: ID, tenantId: "t1", userPrincipalName: "Adele@Contoso.com", displayName: "Adele",
    givenName: null, surname: null, mail: "Adele@Contoso.com", hasMailbox: true,
  };
}

describe("MailboxCache", () => {
  it("get: nothing before a record was remembered", () => {
    expect(new MailboxCache({ clock: new ManualClock(0) }).get(ID)).toBeUndefined();
  });

  it("remember: the record answers for the string asked, its id (any case) and its UPN (any case), frozen", () => {
    const clock = new ManualClock(0);
    const cache = new MailboxCache({ clock });
    const kept = cache.remember({ idOrUpn: "adele@contoso.com", mailbox: adele(), readAtMs: 0 });
    expect(Object.isFrozen(kept)).toBe(true);
    for (const asked of ["adele@contoso.com", ID, ID.toUpperCase(), "ADELE@CONTOSO.COM", "Adele@Contoso.com"]) {
      expect(cache.get(asked), asked).toBe(kept);
    }
    expect(cache.get("someone@contoso.com")).toBeUndefined();
  });

  it("get: an entry is reused for the TTL counted from the store read, then re-read", () => {
    const clock = new ManualClock(1000);
    const cache = new MailboxCache({ clock });
    cache.remember({ idOrUpn: ID, mailbox: adele(), readAtMs: 0 });
    clock.set(MAILBOX_CACHE_TTL_MS);
    expect(cache.get(ID)).toBeDefined();
    expect(cache.get("adele@contoso.com")).toBeDefined();
    clock.advance(1);
    expect(cache.get(ID)).toBeUndefined();
    expect(cache.get("adele@contoso.com")).toBeUndefined();
  });

  it("forget: a lookup that found nothing drops what the string pointed at", () => {
    const cache = new MailboxCache({ clock: new ManualClock(0), ttlMs: 10 });
    cache.remember({ idOrUpn: "Adele@contoso.com", mailbox: adele(), readAtMs: 0 });
    cache.forget("adele@CONTOSO.com");
    expect(cache.get("adele@CONTOSO.com")).toBeUndefined();
    expect(cache.get("Adele@contoso.com"), "another spelling stays until it expires").toBeDefined();
    expect(cache.get(ID)).toBeDefined();
  });
});
