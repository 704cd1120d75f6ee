// Installs a packed graphcal into an empty folder without the network, as fast as the machine
// allows (the package suite). Two things keep it offline and quick:
//
// 1. A lockfile written for the folder: `npm install <tarball>` would ask the registry for each
//    dependency's metadata (the "packument"), which `npm ci` never cached — our lockfile pins
//    versions and integrities. So the folder gets the repository's production entries (same
//    versions, same hoisted paths), each with its registry tarball URL, and `npm ci --offline`
//    finds every tarball in the npm cache by its integrity.
// 2. `--ignore-scripts`: better-sqlite3's install script would fetch a prebuilt binary or
//    compile SQLite (minutes). The repository's node_modules holds the addon built for this very
//    Node, so it is copied into place instead — the one file the script would have produced.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

interface LockEntry {
  version?: string;
  name?: string;
  resolved?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
}

/** `npm pack` of the repository (already built: dist/ is what is packed) into `dir`; the tarball's path. */
export async function packRepository(repo: string, dir: string): Promise<string> {
  // --ignore-scripts: `prepare` would run tsc again; the suites run after `npm run build`.
  const { stdout } = await run(NPM, ["pack", "--pack-destination", dir, "--ignore-scripts", "--json"], { cwd: repo });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(dir, basename(packed!.filename));
}

/** The files a tarball holds, from `npm pack --dry-run`. */
export async function packedFiles(repo: string): Promise<string[]> {
  const { stdout } = await run(NPM, ["pack", "--dry-run", "--ignore-scripts", "--json"], { cwd: repo });
  const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return packed!.files.map((f) => f.path);
}

function registryUrl(path: string, entry: LockEntry): string {
  const name = entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  return `https://registry.npmjs.org/${name}/-/${name.split("/").at(-1)}-${entry.version}.tgz`;
}

/** Installs `tarball` as the only dependency of a new project in `dir`, offline. */
export async function installOffline(args: { repo: string; tarball: string; dir: string }): Promise<void> {
  const { repo, tarball, dir } = args;
  const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as Record<string, unknown> & { version: string };
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    "": { name: "graphcal-consumer", dependencies: { graphcal: spec } },
    "node_modules/graphcal": {
      version: pkg.version, resolved: spec, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === "" || entry.dev || entry.devOptional || entry.link) continue;
    packages[path] = { resolved: registryUrl(path, entry), ...entry };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "graphcal-consumer", private: true, type: "module", dependencies: { graphcal: spec } }));
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ name: "graphcal-consumer", lockfileVersion: 3, requires: true, packages }));
  await run(NPM, ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel", "error"], { cwd: dir });

  const addon = join("better-sqlite3", "build", "Release", "better_sqlite3.node");
  mkdirSync(join(dir, "node_modules", "better-sqlite3", "build", "Release"), { recursive: true });
  copyFileSync(join(repo, "node_modules", addon), join(dir, "node_modules", addon));
}
