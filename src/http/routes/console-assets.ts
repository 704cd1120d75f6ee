import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The web console's files (issue 13, ADR 0012): our own browser code in the package's `console/`
// folder, and Preact, its hooks and htm served from node_modules as the package installed them —
// resolved once at start, never copied, so an `npm update` is the only way they change. No
// bundler and no CDN: the console works offline.

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

export interface ConsoleAssets {
  /** The page, with the import map that names the vendor modules. */
  page: Buffer;
  /** Hashes for the page's Content-Security-Policy (its one inline script, the import map). */
  scriptHash: string;
  /** `app.js`, `console.css` … by file name. */
  own: ReadonlyMap<string, ConsoleAsset>;
  /** `preact.mjs`, `hooks.mjs`, `htm.mjs`. */
  vendor: ReadonlyMap<string, ConsoleAsset>;
}

export const CONSOLE_PATH = "/_graphcal/console";
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** `console/` beside `src/` and `dist/`: both are two folders below the package root, as this file is three. */
function consoleFolder(): string {
  return fileURLToPath(new URL("../../../console/", import.meta.url));
}

function vendorFiles(): Map<string, string> {
  const require = createRequire(import.meta.url);
  // htm's `require` entry is CommonJS; its ES module build ships beside it in the same folder.
  return new Map([
    ["preact.mjs", require.resolve("preact")],
    ["hooks.mjs", require.resolve("preact/hooks")],
    ["htm.mjs", join(dirname(require.resolve("htm")), "htm.mjs")],
  ]);
}

let loaded: ConsoleAssets | undefined;

/** Reads the console's files once per process (they ship with the package and do not change). */
export function consoleAssets(): ConsoleAssets {
  if (loaded) return loaded;
  const folder = consoleFolder();
  const own = new Map<string, ConsoleAsset>();
  for (const name of readdirSync(folder)) {
    const type = TYPES[extname(name)];
    if (type && !name.endsWith(".test.js")) own.set(name, { body: readFileSync(join(folder, name)), contentType: type });
  }
  const vendor = new Map<string, ConsoleAsset>();
  for (const [name, path] of vendorFiles()) vendor.set(name, { body: readFileSync(path), contentType: TYPES[".mjs"] as string });
  const importMap = JSON.stringify({
    imports: {
      preact: `${CONSOLE_PATH}/vendor/preact.mjs`,
      "preact/hooks": `${CONSOLE_PATH}/vendor/hooks.mjs`,
      htm: `${CONSOLE_PATH}/vendor/htm.mjs`,
    },
  });
  const page = readFileSync(join(folder, "index.html"), "utf8").replace("<!--import-map-->", importMap);
  loaded = {
    page: Buffer.from(page),
    scriptHash: `sha256-${createHash("sha256").update(importMap).digest("base64")}`,
    own, vendor,
  };
  return loaded;
}
