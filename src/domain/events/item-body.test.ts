import { describe, expect, it } from "vitest";
import { bodyPreviewOf, toStoredBody, toTextBody } from "./item-body.js";

describe("toTextBody", () => {
  it("toTextBody: a stored text body comes back as its text, line breaks as CRLF", () => {
    const stored = toStoredBody({ contentType: "text", content: "Lunch at 12 & <soon>\nBring \"snacks\"" });
    expect(stored.contentType).toBe("html");
    expect(toTextBody(stored)).toEqual({ contentType: "text", content: "Lunch at 12 & <soon>\r\nBring \"snacks\"" });
  });

  it("toTextBody: tags and the head are dropped, entities decoded, blocks become lines", () => {
    const stored = toStoredBody({ contentType: "html", content: "<p>One&nbsp;<b>bold</b></p>\n<div>Two &#8364;</div><style>p{}</style>" });
    expect(toTextBody(stored)).toEqual({ contentType: "text", content: "One bold\r\nTwo €" });
  });

  it("toTextBody: no 255-character cap (unlike bodyPreview)", () => {
    const long = "x".repeat(400);
    const stored = toStoredBody({ contentType: "text", content: long });
    expect(toTextBody(stored).content).toBe(long);
    expect(bodyPreviewOf(stored)).toHaveLength(255);
  });

  it("toTextBody: an empty body stays empty; a text body is kept as is", () => {
    expect(toTextBody({ contentType: "html", content: "" })).toEqual({ contentType: "text", content: "" });
    expect(toTextBody({ contentType: "text", content: " a\nb " })).toEqual({ contentType: "text", content: " a\nb " });
  });

  it("bodyPreviewOf: line breaks still collapse to single spaces", () => {
    const stored = toStoredBody({ contentType: "html", content: "<p>One</p><p>Two<br>Three</p>" });
    expect(bodyPreviewOf(stored)).toBe("One Two Three");
  });
});
