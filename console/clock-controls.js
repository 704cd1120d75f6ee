// The virtual clock (GET/POST /_graphcal/clock): advance by an ISO 8601 duration, set an
// instant, or return to real time. Moving backwards needs the explicit allowBackwards.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { admin } from "./api.js";
import { useAction } from "./use-action.js";
import { StatusLine } from "./status-line.js";

export function ClockControls() {
  const [clock, setClock] = useState(null);
  const [advance, setAdvance] = useState("P1D");
  const [setTo, setSetTo] = useState("");
  const [backwards, setBackwards] = useState(false);
  const action = useAction();

  useEffect(() => {
    let live = true;
    const read = () => admin("GET", "/clock").then((c) => live && setClock(c), () => {});
    void read();
    const timer = setInterval(read, 5000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);

  const post = (body) => action.run(async () => {
    const c = await admin("POST", "/clock", { ...body, ...(backwards && { allowBackwards: true }) });
    setClock(c);
    return c;
  }, (c) => `Clock: ${c.now} (${c.mode}).`);

  return html`
    <section class="card" aria-labelledby="clock-title">
      <h2 id="clock-title">Virtual clock</h2>
      <p>Now: <strong data-clock-now>${clock ? new Date(clock.now).toISOString() : "…"}</strong> <span class="badge">${clock?.mode ?? ""}</span></p>
      <form class="inline" onSubmit=${(e) => {
        e.preventDefault();
        void post({ advance });
      }}>
        <label>Advance by <input name="advance" value=${advance} onInput=${(e) => setAdvance(e.currentTarget.value)} size="8" aria-describedby="advance-hint" /></label>
        <button type="submit">Advance</button>
      </form>
      <p id="advance-hint" class="hint">ISO 8601 duration: P1D, PT90M, P1M; -P1D goes back.</p>
      <form class="inline" onSubmit=${(e) => {
        e.preventDefault();
        void post({ set: new Date(setTo).toISOString() });
      }}>
        <label>Set to <input name="set" type="datetime-local" value=${setTo} onInput=${(e) => setSetTo(e.currentTarget.value)} required /></label>
        <button type="submit">Set</button>
      </form>
      <div class="inline">
        <button type="button" onClick=${() => post({ mode: "real" })}>Real time</button>
        <label class="check"><input type="checkbox" checked=${backwards} onChange=${(e) => setBackwards(e.currentTarget.checked)} /> Allow moving backwards</label>
      </div>
      <${StatusLine} action=${action} />
    </section>`;
}
