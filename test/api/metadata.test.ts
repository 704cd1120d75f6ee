import { describe, expect, it } from "vitest";
import { useTestServer } from "../support/harness.js";
import { expectGraphError } from "../support/graph-assertions.js";

// GET /{version}/$metadata (issue 14): the CSDL document @odata.context points at, generated from
// the serializers' property lists. It must be well-formed XML and declare every property a real
// answer carries, nested ones included, and the functions served on that version.

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

/** A tiny XML reader: elements and attributes only (CSDL has no text content); throws on anything ill-formed. */
function parseXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#root", attributes: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|(\S)/g;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    if (m[5] !== undefined) throw new Error(`stray text at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    const [, closing, name = "", attributeText = "", selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const a of attributeText.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
      if (a[1] as string in attributes) throw new Error(`duplicate attribute ${a[1]}`);
      attributes[a[1] as string] = a[2] as string;
    }
    const element: XmlElement = { name, attributes, children: [] };
    (stack[stack.length - 1] as XmlElement).children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error("unbalanced document");
  return root.children[0] as XmlElement;
}

function all(element: XmlElement, name: string): XmlElement[] {
  return [...(element.name === name ? [element] : []), ...element.children.flatMap((c) => all(c, name))];
}

/** Type name → declared property types (entity and complex types). */
function typesOf(doc: XmlElement): Map<string, Map<string, string>> {
  const types = new Map<string, Map<string, string>>();
  for (const t of [...all(doc, "EntityType"), ...all(doc, "ComplexType")]) {
    types.set(t.attributes.Name as string, new Map(t.children.filter((c) => c.name === "Property").map((p) => [p.attributes.Name as string, p.attributes.Type as string])));
  }
  return types;
}

/** Every key of `value` (recursively through complex and collection types) is declared; returns what is not. */
function undeclared(value: Record<string, unknown>, type: string, types: Map<string, Map<string, string>>, path = type): string[] {
  const declared = types.get(type);
  if (!declared) return [`${path}: no type ${type}`];
  const missing: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith("@")) continue;
    const t = declared.get(key);
    if (!t) {
      missing.push(`${path}.${key}`);
      continue;
    }
    const inner = /^(?:Collection\()?graph\.(\w+)\)?$/.exec(t)?.[1];
    if (!inner || !types.has(inner) || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) missing.push(...undeclared(item as Record<string, unknown>, inner, types, `${path}.${key}`));
  }
  return missing;
}

describe("$metadata", () => {
  const t = useTestServer();

  for (const version of ["v1.0", "beta"] as const) {
    it(`$metadata (${version}): well-formed CSDL as application/xml, served without a token`, async () => {
      const res = await t.request("GET", `/${version}/$metadata`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/xml/);
      expect(res.headers["request-id"]).toBeDefined();
      const doc = parseXml(res.text);
      expect(doc.name).toBe("edmx:Edmx");
      expect(doc.attributes.Version).toBe("4.0");
      const schema = all(doc, "Schema")[0];
      expect(schema?.attributes).toMatchObject({ Namespace: "microsoft.graph", Alias: "graph" });
      expect(all(doc, "EntityType").map((e) => e.attributes.Name).sort()).toEqual(["calendar", "calendarGroup", "calendarPermission", "event", "user"]);
      // Every type a property names is declared.
      const declared = new Set([...all(doc, "EntityType"), ...all(doc, "ComplexType"), ...all(doc, "EnumType")].map((e) => `graph.${e.attributes.Name}`));
      for (const p of [...all(doc, "Property"), ...all(doc, "NavigationProperty")]) {
        const type = (p.attributes.Type as string).replace(/^Collection\((.*)\)$/, "$1");
        if (!type.startsWith("Edm.")) expect(declared, `${p.attributes.Name}: ${type}`).toContain(type);
      }
    });

    it(`$metadata (${version}): declares every property GET /me/calendars, a calendar group and an event return`, async () => {
      const mailbox = await t.newMailbox();
      const token = await t.userToken(mailbox, ["Calendars.ReadWrite", "User.Read"]);
      const types = typesOf(parseXml((await t.request("GET", `/${version}/$metadata`)).text));
      const calendars = await t.request("GET", `/${version}/me/calendars`, { token });
      expect(calendars.body.value.length).toBeGreaterThan(0);
      for (const calendar of calendars.body.value) expect(undeclared(calendar, "calendar", types)).toEqual([]);
      // Exactly the serializer's properties: nothing declared that a calendar never carries.
      expect([...(types.get("calendar")?.keys() ?? [])].sort()).toEqual(Object.keys(calendars.body.value[0]).filter((k) => !k.startsWith("@")).sort());

      const group = (await t.request("GET", `/${version}/me/calendarGroups`, { token })).body.value[0];
      expect(undeclared(group, "calendarGroup", types)).toEqual([]);
      const me = (await t.request("GET", `/${version}/me`, { token })).body;
      expect(undeclared(me, "user", types)).toEqual([]);

      const created = await t.request("POST", `/${version}/me/events`, {
        token,
        body: {
          subject: "Metadata", body: { contentType: "text", content: "hi" },
          start: { dateTime: "2026-12-01T09:00:00", timeZone: "UTC" }, end: { dateTime: "2026-12-01T10:00:00", timeZone: "UTC" },
          location: { displayName: "Room 1", address: { city: "Oslo" } },
          attendees: [{ emailAddress: { address: "a@contoso.com", name: "A" }, type: "required" }],
          recurrence: { pattern: { type: "weekly", interval: 1, daysOfWeek: ["tuesday"] }, range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 3 } },
        },
      });
      expect(created.status, created.text).toBe(201);
      const event = (await t.request("GET", `/${version}/me/events/${created.body.id}`, { token })).body;
      expect(undeclared(event, "event", types)).toEqual([]);
      const instances = await t.request("GET", `/${version}/me/events/${created.body.id}/instances?startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z`, { token });
      expect(instances.status, instances.text).toBe(200);
      for (const occurrence of instances.body.value) expect(undeclared(occurrence, "event", types)).toEqual([]);
    });
  }

  it("$metadata: the functions and actions served, per version", async () => {
    const functions = async (version: string) => all(parseXml((await t.request("GET", `/${version}/$metadata`)).text), "Schema")[0]?.children
      .filter((c) => c.name === "Function" || c.name === "Action")
      .map((f) => `${f.attributes.Name}(${f.children.find((c) => c.name === "Parameter")?.attributes.Type})`);
    expect(await functions("beta")).toEqual(["delta(Collection(graph.calendar))", "delta(Collection(graph.event))", "permanentDelete(graph.calendar)"]);
    // Graph parity (the default): calendar delta is beta-only.
    expect(await functions("v1.0")).toEqual(["delta(Collection(graph.event))", "permanentDelete(graph.calendar)"]);
  });

  it("$metadata: @odata.context resolves: its document is the one served", async () => {
    const token = await t.userToken(await t.newMailbox());
    const context = (await t.request("GET", "/v1.0/me/calendars", { token })).body["@odata.context"] as string;
    const document = new URL(context.split("#")[0] as string);
    const res = await t.request("GET", document.pathname);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<EntityType Name="calendar">');
  });

  it("$metadata: only GET", async () => {
    const res = await t.request("POST", "/v1.0/$metadata", { body: {} });
    expectGraphError(res, 405, "ErrorInvalidRequest");
    expect(res.headers.allow).toBe("GET");
  });
});
