// htm bound to Preact's h: JSX-like templates with no build step (ADR 0012).
import { h } from "preact";
import htm from "htm";

export const html = htm.bind(h);
