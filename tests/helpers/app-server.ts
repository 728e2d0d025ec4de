import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "@/lib/platform/database/embedded";
import { parseEnv } from "@/lib/platform/env";
import { serverProcessArgs } from "@/scripts/build-if-stale";

// The built app, started as `npm start` starts it (scripts/web-server.ts as the build compiled it), against this test file's own
// database, for tests that go through HTTP: pages, route handlers, headers, exactly as a mail provider or
// a browser reaches them.

export type AppServer = { baseUrl: string; stop: () => Promise<void> };

/** `cwd`: the app folder whose build to serve, this one unless told. */
export async function startAppServer(extraEnv: Record<string, string> = {}, { cwd = process.cwd() } = {}): Promise<AppServer> {
  if (!existsSync(path.join(cwd, ".next/BUILD_ID"))) throw new Error("No build: run `npm run build` before the integration tests.");
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const child: ChildProcess = spawn(process.execPath, serverProcessArgs("web-server", parseEnv(process.env).MAX_HEAP_MB), {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      APP_URL: baseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      AUTH_SECRET: "test-secret-test-secret-test-secret-00",
      AUTH_URL: baseUrl,
      PUBLIC_RATE_LIMIT_PER_MINUTE: "100000",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "pipe"],
    cwd,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the web server exited: ${stderr}`);
    if (attempt === 600) {
      child.kill("SIGKILL");
      throw new Error(`the web server did not answer /api/health within 60 s: ${stderr}`);
    }
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The built app for the tests of this file, or of the describe block that calls this: started before them, stopped after. */
export function withAppServer(extraEnv: Record<string, string> = {}): Pick<AppServer, "baseUrl"> {
  let server: AppServer | undefined;
  beforeAll(async () => {
    server = await startAppServer(extraEnv);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get baseUrl() {
      if (!server) throw new Error("the app server starts in beforeAll: read baseUrl in a hook or a test");
      return server.baseUrl;
    },
  };
}
