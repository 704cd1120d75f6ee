import {
  API_VERSIONS, CALENDAR_GROUP_PROPERTIES, CALENDAR_PERMISSION_PROPERTIES, CALENDAR_PROPERTIES, COMPLEX_TYPES, ENTITY_PROPERTY_TYPES,
  ENUM_TYPES, EVENT_PROPERTIES, USER_PROPERTIES, type ApiVersion,
} from "../../graph/index.js";

// GET /{version}/$metadata: the CSDL document `@odata.context` points at, describing exactly what
// graphcal serves on that version: the entity types with the properties the serializers emit
// (the same lists, graph/calendar.ts and graph/event.ts, typed by graph/schema.ts), the
// navigation properties the paths resolve (graph-path.ts), and the bound functions and actions.
// A client generating code from it, or resolving a context URL, sees no more than is served.
// see: https://docs.oasis-open.org/odata/odata-csdl-xml/v4.01/odata-csdl-xml-v4.01.html

export const METADATA_CONTENT_TYPE = "application/xml";

interface EntityShape {
  properties: readonly string[];
  navigation: Readonly<Record<string, string>>;
}

function entities(apiVersion: ApiVersion): Record<string, EntityShape> {
  return {
    user: {
      properties: USER_PROPERTIES,
      navigation: {
        calendar: "graph.calendar", calendars: "Collection(graph.calendar)", calendarGroups: "Collection(graph.calendarGroup)",
        events: "Collection(graph.event)", calendarView: "Collection(graph.event)",
      },
    },
    calendar: {
      properties: CALENDAR_PROPERTIES[apiVersion],
      navigation: {
        events: "Collection(graph.event)", calendarView: "Collection(graph.event)",
        calendarPermissions: "Collection(graph.calendarPermission)",
      },
    },
    calendarGroup: { properties: CALENDAR_GROUP_PROPERTIES, navigation: { calendars: "Collection(graph.calendar)" } },
    calendarPermission: { properties: CALENDAR_PERMISSION_PROPERTIES, navigation: {} },
    event: { properties: EVENT_PROPERTIES[apiVersion], navigation: { instances: "Collection(graph.event)" } },
  };
}

/** The bound operations served on `apiVersion`: `delta` on collections, `permanentDelete` on a calendar. */
function operations(apiVersion: ApiVersion, extensions: boolean): string[] {
  const delta = (bound: string) =>
    `<Function Name="delta" IsBound="true"><Parameter Name="bindingParameter" Type="${bound}"/><ReturnType Type="${bound}"/></Function>`;
  const out: string[] = [];
  // calendars/delta is beta's; v1.0 has it only as a graphcal extension (http/graph-parity.ts).
  if (apiVersion === "beta" || extensions) out.push(delta("Collection(graph.calendar)"));
  // calendarView/delta on both versions, events/delta on beta: the one function bound to events.
  out.push(delta("Collection(graph.event)"));
  out.push('<Action Name="permanentDelete" IsBound="true"><Parameter Name="bindingParameter" Type="graph.calendar"/></Action>');
  return out;
}

/** Properties in an entity's list that no table types; the builder refuses to guess. */
export function untypedProperties(): string[] {
  const missing: string[] = [];
  for (const apiVersion of API_VERSIONS) {
    for (const [name, shape] of Object.entries(entities(apiVersion))) {
      for (const property of shape.properties) if (!ENTITY_PROPERTY_TYPES[name]?.[property]) missing.push(`${name}.${property}`);
    }
  }
  return missing;
}

/** The CSDL XML of `apiVersion`; `extensions` adds what graphcal serves beyond Graph. */
export function metadataDocument(options: { apiVersion: ApiVersion; extensions: boolean }): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    "<edmx:DataServices>",
    '<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
  ];
  for (const [name, members] of Object.entries(ENUM_TYPES)) {
    lines.push(`<EnumType Name="${name}">${members.map((m, i) => `<Member Name="${m}" Value="${i}"/>`).join("")}</EnumType>`);
  }
  for (const [name, members] of Object.entries(COMPLEX_TYPES)) {
    lines.push(`<ComplexType Name="${name}">${Object.entries(members).map(([p, type]) => property(p, type)).join("")}</ComplexType>`);
  }
  for (const [name, shape] of Object.entries(entities(options.apiVersion))) {
    const types = ENTITY_PROPERTY_TYPES[name] ?? {};
    const body = shape.properties.map((p) => {
      const type = types[p];
      if (!type) throw new Error(`$metadata: no type for ${name}.${p} (graph/schema.ts)`);
      return property(p, type, p === "id");
    });
    const navigation = Object.entries(shape.navigation).map(([p, type]) => `<NavigationProperty Name="${p}" Type="${type}" ContainsTarget="true"/>`);
    lines.push(`<EntityType Name="${name}"><Key><PropertyRef Name="id"/></Key>${body.join("")}${navigation.join("")}</EntityType>`);
  }
  lines.push(...operations(options.apiVersion, options.extensions));
  lines.push(
    '<EntityContainer Name="GraphService">',
    '<EntitySet Name="users" EntityType="graph.user"/>',
    '<Singleton Name="me" Type="graph.user"/>',
    "</EntityContainer>",
    "</Schema>",
    "</edmx:DataServices>",
    "</edmx:Edmx>",
  );
  return `${lines.join("\n")}\n`;
}

function property(name: string, type: string, key = false): string {
  return `<Property Name="${name}" Type="${type}"${key ? ' Nullable="false"' : ""}/>`;
}
