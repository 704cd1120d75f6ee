// Tabs as WAI-ARIA describes them: a tablist of buttons, arrow keys (and Home/End) move between
// them, the chosen panel is labelled by its tab.
// see: https://www.w3.org/WAI/ARIA/apg/patterns/tabs/
import { useRef } from "preact/hooks";
import { html } from "./html.js";

export function Tabs({ panels, current, onSelect, children }) {
  const list = useRef(null);
  function onKeyDown(event) {
    const i = panels.findIndex((p) => p.id === current);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: panels.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const panel = panels[(next + panels.length) % panels.length];
    onSelect(panel.id);
    list.current?.querySelector(`#tab-${panel.id}`)?.focus();
  }
  return html`
    <nav class="tabs" role="tablist" aria-label="Console panels" ref=${list} onKeyDown=${onKeyDown}>
      ${panels.map((p) => html`
        <button type="button" role="tab" id=${`tab-${p.id}`} aria-selected=${p.id === current} aria-controls=${`panel-${p.id}`}
          tabindex=${p.id === current ? 0 : -1} onClick=${() => onSelect(p.id)}>${p.label}</button>`)}
    </nav>
    <main role="tabpanel" id=${`panel-${current}`} aria-labelledby=${`tab-${current}`} class="panel">${children}</main>`;
}
