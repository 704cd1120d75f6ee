import { describe, expect, it } from "vitest";
import { APP_ROLES, DELEGATED_SCOPES } from "../../../test/support/scopes.js";
import { AccessDeniedError, DelegatedOnlyError } from "../errors.js";
import { authorize, authorizeAdmin, authorizeUserList, meOf, type Operation, type SharedAccess } from "./permissions.js";
import type { Principal } from "./principal.js";

const TENANT = "t-1";
const ME = "u-me";
const OTHER = "u-other";

const user = (...scopes: string[]): Principal => ({ kind: "delegated", tenantId: TENANT, userId: ME, appId: "a", scopes: new Set(scopes) });
const app = (...roles: string[]): Principal => ({ kind: "app", tenantId: TENANT, appId: "a", roles: new Set(roles) });

function allowed(principal: Principal, operation: Operation, target: { userId: string; tenantId?: string }, shared?: SharedAccess): boolean {
  try {
    authorize({ principal, operation, target: { userId: target.userId, tenantId: target.tenantId ?? TENANT }, shared });
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(AccessDeniedError);
    return false;
  }
}

describe("authorize", () => {
  // spec §3.3: which grants allow each operation (the table is test/support/scopes.ts).
  for (const c of DELEGATED_SCOPES) {
    it(`authorize: delegated ${c.scope} on the own mailbox → read ${c.own.read}, write ${c.own.write}`, () => {
      expect(allowed(user(c.scope), "calendars.read", { userId: ME })).toBe(c.own.read);
      expect(allowed(user(c.scope), "calendars.write", { userId: ME })).toBe(c.own.write);
    });
    it(`authorize: delegated ${c.scope} never reaches another user's calendars without a share`, () => {
      expect(allowed(user(c.scope), "calendars.read", { userId: OTHER })).toBe(false);
      expect(allowed(user(c.scope), "calendars.write", { userId: OTHER })).toBe(false);
    });
    it(`authorize: delegated ${c.scope} on another user's shared calendars → read ${c.shared.read}, write ${c.shared.write}`, () => {
      expect(allowed(user(c.scope), "calendars.read", { userId: OTHER }, { read: true, write: false })).toBe(c.shared.read);
      expect(allowed(user(c.scope), "calendars.write", { userId: OTHER }, { read: true, write: true })).toBe(c.shared.write);
      // A read share never allows writes, whatever the scope.
      expect(allowed(user(c.scope), "calendars.write", { userId: OTHER }, { read: true, write: false })).toBe(false);
    });
  }

  for (const c of APP_ROLES) {
    it(`authorize: application ${c.role} on any mailbox of the tenant → read ${c.any.read}, write ${c.any.write}`, () => {
      for (const userId of [ME, OTHER]) {
        expect(allowed(app(c.role), "calendars.read", { userId })).toBe(c.any.read);
        expect(allowed(app(c.role), "calendars.write", { userId })).toBe(c.any.write);
      }
    });
  }

  it("authorize: no principal reaches a mailbox of another tenant", () => {
    expect(allowed(app("Calendars.ReadWrite", "User.Read.All"), "calendars.read", { userId: OTHER, tenantId: "t-2" })).toBe(false);
    expect(allowed(app("User.Read.All"), "user.read", { userId: OTHER, tenantId: "t-2" })).toBe(false);
    expect(allowed(user("Calendars.ReadWrite"), "calendars.read", { userId: ME, tenantId: "t-2" })).toBe(false);
  });

  it("authorize: scope names are case-sensitive as issued", () => {
    expect(allowed(user("calendars.readwrite"), "calendars.read", { userId: ME })).toBe(false);
  });

  it("authorize: user.read on oneself takes User.Read; on others a tenant-wide user scope", () => {
    expect(allowed(user("User.Read"), "user.read", { userId: ME })).toBe(true);
    expect(allowed(user("Calendars.ReadWrite"), "user.read", { userId: ME })).toBe(false);
    expect(allowed(user("User.Read"), "user.read", { userId: OTHER })).toBe(false);
    expect(allowed(user("User.ReadBasic.All"), "user.read", { userId: OTHER })).toBe(true);
    expect(allowed(user("Directory.Read.All"), "user.read", { userId: OTHER })).toBe(true);
    expect(allowed(app("User.Read.All"), "user.read", { userId: OTHER })).toBe(true);
    expect(allowed(app("Calendars.ReadWrite"), "user.read", { userId: OTHER })).toBe(false);
  });
});

describe("meOf", () => {
  it("meOf: a delegated token stands for its user", () => {
    expect(meOf(user("User.Read"))).toBe(ME);
  });

  it("meOf: an app-only token has no /me", () => {
    expect(() => meOf(app("Calendars.Read"))).toThrow(DelegatedOnlyError);
    expect(() => meOf(app("Calendars.Read"))).toThrow("/me request is only valid with delegated authentication flow.");
  });
});

describe("authorizeUserList", () => {
  it("authorizeUserList: needs a tenant-wide user permission", () => {
    expect(() => authorizeUserList(user("User.Read"))).toThrow(AccessDeniedError);
    expect(() => authorizeUserList(user("Calendars.ReadWrite"))).toThrow(AccessDeniedError);
    expect(() => authorizeUserList(user("User.ReadBasic.All"))).not.toThrow();
    expect(() => authorizeUserList(app("Calendars.ReadWrite"))).toThrow(AccessDeniedError);
    expect(() => authorizeUserList(app("User.Read.All"))).not.toThrow();
    expect(() => authorizeUserList(app("User.ReadBasic.All"))).not.toThrow();
    // User.Read is a delegated self-only scope; as an app role it grants nothing.
    expect(() => authorizeUserList(app("User.Read"))).toThrow(AccessDeniedError);
  });
});

describe("authorizeAdmin", () => {
  it("authorizeAdmin: only an app token with Graphcal.Admin", () => {
    expect(() => authorizeAdmin(app("Graphcal.Admin"))).not.toThrow();
    expect(() => authorizeAdmin(app("Calendars.ReadWrite"))).toThrow(AccessDeniedError);
    // A user cannot reach the admin controls, even with a scope of that name.
    expect(() => authorizeAdmin(user("Graphcal.Admin"))).toThrow(AccessDeniedError);
  });
});
