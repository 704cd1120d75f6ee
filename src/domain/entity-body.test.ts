import { describe, expect, it } from "vitest";
import { thrown } from "../../test/support/thrown.js";
import { ValidationError } from "./errors.js";
import { checkReadOnly, readEntityBody } from "./entity-body.js";

const validationOf = (fn: () => unknown) => thrown(ValidationError, fn);

describe("readEntityBody", () => {
  const options = { type: "microsoft.graph.thing", properties: ["id", "name", "size"], writable: ["name"] };

  it("readEntityBody: splits writable from read-only properties, keeping body order", () => {
    expect(readEntityBody({ id: "x", name: "n", size: 3 }, options)).toEqual({ writable: [["name", "n"]], readOnly: { id: "x", size: 3 } });
    expect(readEntityBody({}, options)).toEqual({ writable: [], readOnly: {} });
  });

  it("readEntityBody: anything but a JSON object is BadRequest", () => {
    for (const body of [null, [], "x", 1, true, undefined]) {
      const error = validationOf(() => readEntityBody(body, options));
      expect(error.detail, JSON.stringify(body)).toBe("badRequest");
      expect(error.message).toBe("The request body must be a JSON object.");
    }
  });

  it("readEntityBody: an unknown property is BadRequest with Graph's message naming it and the type", () => {
    const error = validationOf(() => readEntityBody({ name: "n", colour: 1 }, options));
    expect(error.detail).toBe("badRequest");
    expect(error.message).toBe("The property 'colour' does not exist on type 'microsoft.graph.thing'. Make sure to only use property names that are defined by the type.");
  });

  it("readEntityBody: OData annotations are ignored", () => {
    expect(readEntityBody({ "@odata.type": "#microsoft.graph.thing", "@odata.etag": "W/1", name: "n" }, options))
      .toEqual({ writable: [["name", "n"]], readOnly: {} });
  });
});

describe("checkReadOnly", () => {
  const calendar = { id: "c1", changeKey: "k1", isRemovable: true, owner: { name: "A", address: "a@x" }, allowedOnlineMeetingProviders: ["teamsForBusiness"] };

  it("checkReadOnly: echoing the same values back is accepted (objects and arrays compared by value)", () => {
    expect(() => checkReadOnly({}, calendar)).not.toThrow();
    expect(() => checkReadOnly({ id: "c1", changeKey: "k1", owner: { name: "A", address: "a@x" }, allowedOnlineMeetingProviders: ["teamsForBusiness"] }, calendar)).not.toThrow();
  });

  it("checkReadOnly: a differing value is ErrorInvalidPropertySet (readOnly) naming the property", () => {
    for (const [key, value] of [["id", "c2"], ["isRemovable", false], ["owner", { name: "B", address: "a@x" }], ["allowedOnlineMeetingProviders", []]] as const) {
      const error = validationOf(() => checkReadOnly({ [key]: value }, calendar));
      expect(error.detail).toBe("readOnly");
      expect(error.message).toBe(`The property '${key}' is read-only and cannot be set.`);
    }
  });
});
