import { describe, expect, it } from "vitest";
import { metadataDocument, untypedProperties } from "./metadata.js";

describe("metadataDocument", () => {
  it("metadata: every property in the serializers' lists has a type (graph/schema.ts)", () => {
    expect(untypedProperties()).toEqual([]);
  });

  it("metadata: v1.0 declares calendar delta only with extensions on; beta always", () => {
    const calendarDelta = 'Type="Collection(graph.calendar)"/><ReturnType';
    expect(metadataDocument({ apiVersion: "v1.0", extensions: false })).not.toContain(calendarDelta);
    expect(metadataDocument({ apiVersion: "v1.0", extensions: true })).toContain(calendarDelta);
    expect(metadataDocument({ apiVersion: "beta", extensions: false })).toContain(calendarDelta);
  });

  it("metadata: beta's calendar has beta's properties, v1.0's does not", () => {
    expect(metadataDocument({ apiVersion: "beta", extensions: false })).toContain('<Property Name="isShared" Type="Edm.Boolean"/>');
    expect(metadataDocument({ apiVersion: "v1.0", extensions: false })).not.toContain('<Property Name="isShared"');
  });
});
