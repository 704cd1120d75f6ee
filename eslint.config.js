// Lint config: typescript-eslint's recommended rules (no type information needed), plus the
// layering of docs/architecture.md enforced with ESLint's built-in `no-restricted-imports`.
//
// Import specifiers are matched as written, not resolved, so the layer rules are generated per
// folder *and per depth*: a file in src/domain/calendars/ reaches src/ through exactly `../../`,
// which lets each pattern name the one folder it means. Flat config replaces (does not merge)
// a rule's options when two blocks match a file, so the generated blocks never overlap.
import { defineConfig, globalIgnores } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Top-level folders of src/, inside out, with the folders each one may import. */
const LAYERS = {
  graph: [],
  domain: ["graph"],
  store: ["domain", "graph"],
  auth: ["domain", "graph"],
  http: ["domain", "auth", "graph"],
  server: ["graph", "domain", "store", "auth", "http"],
  client: ["graph"],
  cli: ["server", "client", "auth"],
  // graphcal/testing: a server in a test suite's process, driven through its public surfaces.
  testing: ["server", "http", "auth"],
};
const FOLDERS = Object.keys(LAYERS);
const MAX_DEPTH = 5; // src/<layer>/a/b/c/file.ts; deeper folders would need a larger number

/** npm packages and Node modules a layer must not reach for (its job belongs to another layer). */
const FORBIDDEN_PACKAGES = {
  // domain is free of I/O and frameworks: storage is the Store port, HTTP is http/'s business.
  domain: ["kysely", "better-sqlite3", "fastify", "jose", "pino", "selfsigned", "node:fs", "node:http", "node:https", "node:net"],
  store: ["fastify", "jose"],
  auth: ["kysely", "better-sqlite3", "fastify"],
  // Routes call services; they never query the database themselves.
  http: ["kysely", "better-sqlite3"],
  // ./client must be usable without pulling in any server code.
  // better-sqlite3 is allowed: the SQLite sync store is the client's default local store (it is
  // imported lazily, so `graphcal/client` loads no native code until a SQLite store is opened).
  client: ["kysely", "fastify", "jose", "pino", "selfsigned"],
};

function layerPatterns(layer, depth) {
  const up = depth === 1 ? "\\./" : `(?:\\.\\./){${depth - 1}}`; // from the file to src/<layer>/
  const toSrc = `(?:\\.\\./){${depth}}`; // from the file to src/
  const allowed = LAYERS[layer];
  const forbidden = FOLDERS.filter((f) => f !== layer && !allowed.includes(f));
  const patterns = [];
  if (forbidden.length > 0) {
    patterns.push({
      regex: `^${toSrc}(?:${forbidden.join("|")})(?:/|$)`,
      message: allowed.length
        ? `${layer}/ may import only ${allowed.map((f) => `${f}/`).join(", ")} (docs/architecture.md).`
        : `${layer}/ imports nothing of ours (docs/architecture.md).`,
    });
  }
  if (allowed.length > 0) {
    patterns.push({
      regex: `^${toSrc}(?:${allowed.join("|")})(?:/(?!index\\.js$)|$)`,
      message: `Across folders, import only the folder's index.ts (e.g. '${"../".repeat(depth)}${allowed[0]}/index.js').`,
    });
  }
  patterns.push(
    {
      // A layer reaching its own folder through src/ (`../../domain/…` from inside domain/).
      regex: `^${toSrc}${layer}(?:/|$)`,
      message: `Inside ${layer}/, import sibling files directly by relative path.`,
    },
    {
      // The layer's own index.ts is its public surface for *other* layers; importing it from
      // inside invites import cycles.
      regex: `^${up}index\\.js$`,
      message: `Inside ${layer}/, import the file you need, not ${layer}/index.ts.`,
    },
  );
  return patterns;
}

/** Relative imports that leave src/ (production code may not depend on test/, bench/ …). */
function escapePattern(depth) {
  return { regex: `^(?:\\.\\./){${depth + 1},}`, message: "Code under src/ may not import from outside src/." };
}

function layerBlocks() {
  const blocks = [];
  for (const layer of FOLDERS) {
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const glob = `src/${layer}/${"*/".repeat(depth - 1)}*.ts`;
      const packages = (FORBIDDEN_PACKAGES[layer] ?? []).map((name) => ({
        name, message: `${layer}/ may not depend on '${name}' (docs/architecture.md).`,
      }));
      const base = layerPatterns(layer, depth);
      if (layer === "graph") {
        // The wire contract is pure types and constants: no imports besides its own files.
        base.push({ regex: "^[^.]", message: "graph/ imports no packages (pure types and constants)." });
      }
      blocks.push({
        name: `graphcal/layers/${layer}/depth-${depth}`,
        files: [glob],
        ignores: [`src/${layer}/${"*/".repeat(depth - 1)}*.test.ts`],
        rules: { "no-restricted-imports": ["error", { paths: packages, patterns: [...base, escapePattern(depth)] }] },
      });
      // Unit tests follow their folder's layering but may use test/support helpers.
      blocks.push({
        name: `graphcal/layers/${layer}/depth-${depth}/tests`,
        files: [`src/${layer}/${"*/".repeat(depth - 1)}*.test.ts`],
        rules: { "no-restricted-imports": ["error", { paths: packages, patterns: base }] },
      });
    }
  }
  return blocks;
}

export default defineConfig(
  globalIgnores(["dist/", "node_modules/", "coverage/", "scratch-tmp/", ".bench/"]),
  {
    name: "graphcal/typescript",
    files: ["src/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    extends: [tseslint.configs.recommended],
    rules: {
      // `const { a: _a, ...rest } = x` is how we drop a property; that is not an unused variable.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Test code reads JSON response bodies whose shape is what the assertions check.
    name: "graphcal/tests-any",
    files: ["test/**/*.ts", "src/**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Kysely's migration guide: migrations take `Kysely<any>`, never `Kysely<Database>`, because a
    // migration must keep compiling against the schema as it was, not as it is today.
    // see: https://kysely.dev/docs/migrations
    name: "graphcal/migrations",
    files: ["src/store/migrations/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  ...layerBlocks(),
  {
    // Benchmarks and scripts run against the build (dist/), as users do, through each folder's
    // public index.js; they never reach into src/.
    name: "graphcal/bench-scripts",
    files: ["bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          { regex: "^\\.\\./dist/[^/]+/(?!index\\.js$)", message: "bench/ and scripts/ import dist/ only through a folder's index.js." },
          { regex: "^\\.\\./src/", message: "bench/ and scripts/ run against the build: import ../dist/<folder>/index.js." },
        ],
      }],
    },
  },
  {
    // Plain JavaScript: this file and the Node scripts.
    name: "graphcal/javascript",
    files: ["eslint.config.js", "scripts/**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    // The web console's browser modules (console/, ADR 0012): plain ES modules served as they
    // are, importing only each other and preact, preact/hooks and htm (through the page's
    // import map). Nothing of src/: the console talks to the server over HTTP only.
    name: "graphcal/console",
    files: ["console/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: "module",
      globals: Object.fromEntries([
        "window", "document", "fetch", "URL", "URLSearchParams", "TextDecoderStream", "AbortController", "Intl",
        "setTimeout", "clearTimeout", "setInterval", "clearInterval", "console",
      ].map((name) => [name, "readonly"])),
    },
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{ regex: "^(?!\\./|preact$|preact/hooks$|htm$)", message: "console/ imports its own files, preact, preact/hooks and htm only." }],
      }],
    },
  },
  {
    // Cross-layer suites use src/ only through each folder's public index.ts.
    name: "graphcal/layers/test",
    files: ["test/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [{
          regex: "^(?:\\.\\./)+src/[^/]+/(?!index\\.js$)",
          message: "Tests under test/ import src/ only through a folder's index.ts (e.g. '../../src/server/index.js').",
        }],
      }],
    },
  },
);
