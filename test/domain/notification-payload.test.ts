import { describe, expect, it } from "vitest";
import { type ChangeNotice, changeNotifications, type Subscription } from "../../src/domain/index.js";

// Notifications are written as JSON text (not stringified objects): the text must parse to
// exactly the documented payload (spec §4.4), whatever the client put in clientState.

const subscription = (over: Partial<Subscription> = {}): Subscription => ({
  id: "sub-1", mailboxId: "user-1", tenantId: "tenant-1", applicationId: "app", creatorId: "user-1", resource: "me/events",
  target: { kind: "events", calendarId: null }, changeTypes: ["created", "updated", "deleted"], notificationUrl: "http://127.0.0.1/n",
  lifecycleNotificationUrl: null, clientState: 'a "quoted" \\ state\n', latestSupportedTlsVersion: "v1_2",
  expirationMs: Date.UTC(2026, 0, 5, 11, 0, 0, 123), createdMs: 0,
  delivery: { deliveredSeq: 0, attempts: 0, firstFailureMs: null, nextAttemptMs: 0, reauthorizeSentForMs: null }, ...over,
});
const notice = (over: Partial<ChangeNotice>): ChangeNotice => ({ seq: 1, itemId: "AAMk=", calendarId: "c", removed: false, created: false, changeKey: "ck/1", ...over });

describe("changeNotifications", () => {
  it("writes Graph's basic payload, in Outlook's casing, with the etag and clientState escaped", () => {
    const [text] = changeNotifications(subscription(), [notice({})], { createdAlsoUpdated: false });
    expect(JSON.parse(text as string)).toEqual({
      subscriptionId: "sub-1", subscriptionExpirationDateTime: "2026-01-05T11:00:00+00:00", changeType: "updated",
      resource: "Users/user-1/Events/AAMk=",
      resourceData: { "@odata.type": "#Microsoft.Graph.Event", "@odata.id": "Users/user-1/Events/AAMk=", "@odata.etag": 'W/"ck/1"', id: "AAMk=" },
      clientState: 'a "quoted" \\ state\n', tenantId: "tenant-1",
    });
  });

  it("a removal has no etag; a null clientState stays null; created+updated in quirk mode; only asked-for types", () => {
    const removed = changeNotifications(subscription({ clientState: null }), [notice({ removed: true, changeKey: null })], { createdAlsoUpdated: false });
    const parsed = JSON.parse(removed[0] as string) as { changeType: string; clientState: unknown; resourceData: Record<string, unknown> };
    expect(parsed.changeType).toBe("deleted");
    expect(parsed.clientState).toBeNull();
    expect(parsed.resourceData).not.toHaveProperty("@odata.etag");
    const created = changeNotifications(subscription(), [notice({ created: true })], { createdAlsoUpdated: true });
    expect(created.map((t) => (JSON.parse(t) as { changeType: string }).changeType)).toEqual(["created", "updated"]);
    expect(changeNotifications(subscription({ changeTypes: ["deleted"] }), [notice({ created: true })], { createdAlsoUpdated: true })).toEqual([]);
  });

  it("follows a renewed expiry and the calendar list's resource", () => {
    const s = subscription({ target: { kind: "calendars" } });
    const first = JSON.parse(changeNotifications(s, [notice({})], { createdAlsoUpdated: false })[0] as string) as Record<string, unknown>;
    expect(first.resource).toBe("Users/user-1/Calendars/AAMk=");
    expect((first.resourceData as Record<string, unknown>)["@odata.type"]).toBe("#Microsoft.Graph.Calendar");
    s.expirationMs = Date.UTC(2026, 0, 6, 12, 30, 0);
    const renewed = JSON.parse(changeNotifications(s, [notice({})], { createdAlsoUpdated: false })[0] as string) as Record<string, unknown>;
    expect(renewed.subscriptionExpirationDateTime).toBe("2026-01-06T12:30:00+00:00");
  });
});
