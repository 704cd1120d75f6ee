import type { ItemBody } from "../../graph/index.js";

// Exchange stores an event body as HTML: a text body is escaped and wrapped, an HTML fragment is
// wrapped, a whole document is kept. The wrapper is the simple form Outlook writes (the 201
// example of user-post-events, without its second charset meta). bodyPreview is the body's text.
// see: https://learn.microsoft.com/graph/api/user-post-events (response body.content)

const HEAD = '<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n';
const TAIL = "\r\n</body>\r\n</html>\r\n";

export const MAX_BODY_PREVIEW_LENGTH = 255;

/** The body as stored and returned by default (html). An empty body stays empty. */
export function toStoredBody(body: ItemBody): ItemBody {
  if (body.content === "") return { contentType: "html", content: "" };
  if (body.contentType === "html") {
    return { contentType: "html", content: /^\s*(<!doctype[^>]*>\s*)?<html[\s>]/i.test(body.content) ? body.content : HEAD + body.content + TAIL };
  }
  const escaped = escapeHtml(body.content).replace(/\r?\n/g, "<br>\r\n");
  return { contentType: "html", content: HEAD + escaped + TAIL };
}

/** Plain text of the body: tags and the head dropped, entities decoded, whitespace collapsed, ≤ 255 chars. */
export function bodyPreviewOf(body: ItemBody): string {
  const text = body.contentType === "html" ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, " ").trim().slice(0, MAX_BODY_PREVIEW_LENGTH);
}

/**
 * The body as `Prefer: outlook.body-content-type="text"` returns it: the stored HTML's text, line
 * breaks (<br>, block ends) as CRLF, no length cap. A text body is returned as is.
 * see: https://learn.microsoft.com/graph/api/resources/itembody
 */
export function toTextBody(body: ItemBody): ItemBody {
  if (body.contentType === "text") return { contentType: "text", content: body.content };
  return { contentType: "text", content: htmlToText(body.content) };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// HTML's own whitespace (the CRLFs of the wrapper, source line breaks) collapses to one space
// first, as a browser renders it; only <br> and block ends become line breaks.
function htmlToText(html: string): string {
  return html
    .replace(/<head[\s>][\s\S]*?<\/head>/gi, " ")
    .replace(/<(script|style)[\s>][\s\S]*?<\/\1>/gi, " ")
    .replace(/\s+/g, " ")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, "\r\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&")
    .replace(/ *\r\n */g, "\r\n")
    .trim();
}
