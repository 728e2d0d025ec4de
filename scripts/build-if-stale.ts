import { spawnSync } from "node:child_process";
import { buildSync } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "../lib/platform/env";

// `npm start` builds only when the sources changed since the last build: a digest of every input of
// `next build` and of the server processes is kept beside the build.

const INPUT_DIRS = ["app", "components", "lib", "public"];
const SERVER_SOURCES = ["scripts/web-server.ts", "scripts/worker.ts"];
const INPUT_FILES = ["next.config.ts", "proxy.ts", "postcss.config.mjs", "tsconfig.json", "package-lock.json", "prisma/schema.prisma", ...SERVER_SOURCES];
const DIGEST_FILE = path.join(".next", "source-digest");

function* filesUnder(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== path.join("lib", "generated")) yield* filesUnder(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

export function sourceDigest(): string {
  const hash = createHash("sha256");
  const files = [...INPUT_DIRS.flatMap((dir) => [...filesUnder(dir)]), ...INPUT_FILES.filter((f) => existsSync(f))].sort();
  for (const file of files) {
    if (!statSync(file).isFile()) continue;
    hash.update(file).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Next names each server action by a hash salted with NEXT_SERVER_ACTIONS_ENCRYPTION_KEY, a random key
 * per build when unset: a form rendered by one build then fails on another behind the same load
 * balancer. Unset, the key is derived from the sources, so every build of one commit names its actions
 * alike. It is then no secret: it also encrypts the values an inline action closes over, which no action
 * here does (they are declared with ownerAction or linkAction in lib/admin and lib/pages and take bound arguments); set the variable to a secret of your
 * own (the same on every instance) should one ever need to.
 */
export function serverActionsKey(digest: string): string {
  return parseEnv(process.env).NEXT_SERVER_ACTIONS_ENCRYPTION_KEY ?? createHash("sha256").update(`server actions ${digest}`).digest("base64");
}

/** Where the build keeps the web server and the worker, each compiled to one file of JavaScript. */
export const SERVERS_DIR = path.join(".next", "servers");

/**
 * The web server and the worker, compiled with their share of lib/ into plain JavaScript (the packages
 * they use stay in node_modules): run through tsx instead, each process carried a TypeScript compiler
 * and its loader thread, some 40 to 80 MB of memory, and compiled its sources again at every start.
 */
function compileServers() {
  buildSync({
    entryPoints: SERVER_SOURCES,
    outdir: SERVERS_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["react-server"],
    logLevel: "warning",
  });
}

/**
 * The node arguments that run a compiled server. `heapMb` bounds V8's heap (MAX_HEAP_MB): unbounded, V8
 * lets garbage pile up to a share of the machine's memory before it collects in earnest, so a server
 * streaming a large import grew by hundreds of megabytes that it did not need.
 */
export function serverProcessArgs(server: "web-server" | "worker", heapMb: number): string[] {
  return ["--conditions=react-server", `--max-old-space-size=${heapMb}`, path.join(SERVERS_DIR, `${server}.mjs`)];
}

/** Runs `next build` when there is no build or it is older than the sources. Returns whether it built. */
export function buildIfStale(): boolean {
  const digest = sourceDigest();
  const built = existsSync(path.join(".next", "BUILD_ID")) && existsSync(DIGEST_FILE) && readFileSync(DIGEST_FILE, "utf8") === digest;
  if (built) return false;
  console.log("Building the app (the sources changed since the last build)...");
  const result = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    // A production build whatever NODE_ENV the shell has: another NODE_ENV makes other files (another stylesheet).
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: serverActionsKey(digest) },
  });
  if (result.status !== 0) throw new Error("`next build` failed (its output is above)");
  compileServers();
  writeFileSync(DIGEST_FILE, digest);
  return true;
}

// `npm run build`
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    if (!buildIfStale()) console.log("The build is up to date.");
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
