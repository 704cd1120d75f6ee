// One admin action's state for a control: busy while it runs, then its message or its error.
import { useState } from "preact/hooks";

export function useAction() {
  const [state, setState] = useState({ busy: false, message: null, error: null });
  async function run(action, describe) {
    setState({ busy: true, message: null, error: null });
    try {
      const result = await action();
      setState({ busy: false, message: describe ? describe(result) : "Done.", error: null });
      return result;
    } catch (e) {
      setState({ busy: false, message: null, error: `${e.code ?? ""} ${e.message}`.trim() });
      return undefined;
    }
  }
  return { ...state, run };
}
