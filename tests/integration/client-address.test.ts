import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { freePort } from "@/lib/platform/database/embedded";
import { mintLinks } from "@/lib/links/message-links";
import { startAppServer, withAppServer, type AppServer } from "@/tests/helpers/app-server";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { ONE_CLICK_BODY } from "@/tests/helpers/one-click";

// The address the ledger records and the per-address limits count is the one the socket (or the
// trusted proxies in front, TRUSTED_PROXY_HOPS of them) saw: never one a client wrote into
// X-Forwarded-For. Clients below connect from addresses of their own on the loopback network.

const NGINX = "/usr/sbin/nginx";
const FORGED = "203.0.113.7";
const PAGE_LIMIT = 5;

/** A request from `localAddress`, with the headers given as they are (fetch cannot choose its source address). */
function request(
  url: string,
  options: { localAddress: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: options.method ?? "GET", headers: options.headers, localAddress: options.localAddress }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode! }));
    });
    outgoing.on("error", reject);
    outgoing.end(options.body);
  });
}

/** The page limit counts per wall-clock minute: a burst starts where it cannot straddle two windows. */
async function awayFromAMinuteBoundary() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

async function oneClickFrom(baseUrl: string, localAddress: string, forwardedFor: string) {
  const shop = await createTestWorkspace();
  const { oneClickUrl } = await mintLinks({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email" });
  const answer = await request(`${baseUrl}/api/unsubscribe/${oneClickUrl.split("/").pop()}`, {
    localAddress,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": forwardedFor },
    body: ONE_CLICK_BODY,
  });
  expect(answer.status).toBe(200);
  const [entry] = await db().consentEvent.findMany({ where: { workspaceId: shop.workspace.id, source: "one_click" } });
  return entry.ip;
}

describe("with no proxy in front (TRUSTED_PROXY_HOPS=0)", () => {
  const app = withAppServer({ PUBLIC_RATE_LIMIT_PER_MINUTE: String(PAGE_LIMIT) });

  it("records the socket's address, whatever X-Forwarded-For says", async () => {
    expect(await oneClickFrom(app.baseUrl, "127.0.0.3", FORGED)).toBe("127.0.0.3");
    expect(await oneClickFrom(app.baseUrl, "127.0.0.3", `${FORGED}, 198.51.100.9`)).toBe("127.0.0.3");
  });

  it("counts every page view of one client against its limit, however it varies X-Forwarded-For", async () => {
    const statuses = [];
    await awayFromAMinuteBoundary();
    for (let i = 0; i <= PAGE_LIMIT; i++)
      statuses.push((await request(`${app.baseUrl}/`, { localAddress: "127.0.0.4", headers: { "x-forwarded-for": `198.51.100.${i}` } })).status);
    expect(statuses.slice(0, PAGE_LIMIT)).toEqual(Array(PAGE_LIMIT).fill(200));
    expect(statuses[PAGE_LIMIT]).toBe(429);
    // Another client is not held back by it.
    expect((await request(`${app.baseUrl}/`, { localAddress: "127.0.0.5", headers: { "x-forwarded-for": "198.51.100.0" } })).status).toBe(200);
  }, 60_000);
});

// nginx is part of CI (.ci/run installs it); only a developer's machine without it skips this.
describe.skipIf(!existsSync(NGINX) && !process.env.CI)("behind one appending proxy (nginx, TRUSTED_PROXY_HOPS=1)", () => {
  let app: AppServer;
  let nginx: ChildProcess;
  let dir: string;
  let proxyUrl: string;

  beforeAll(async () => {
    if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: CI installs nginx (apt-get install nginx)`);
    app = await startAppServer({ TRUSTED_PROXY_HOPS: "1" });
    dir = await mkdtemp(path.join(tmpdir(), "pc-nginx-"));
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    const config = `
      daemon off;
      master_process off;
      pid ${dir}/nginx.pid;
      error_log stderr warn;
      events {}
      http {
        access_log off;
        client_body_temp_path ${dir}/body;
        proxy_temp_path ${dir}/proxy;
        fastcgi_temp_path ${dir}/fastcgi;
        uwsgi_temp_path ${dir}/uwsgi;
        scgi_temp_path ${dir}/scgi;
        server {
          listen 127.0.0.1:${port};
          location / {
            proxy_pass ${app.baseUrl.replace("localhost", "127.0.0.1")};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
          }
        }
      }`;
    await writeFile(path.join(dir, "nginx.conf"), config);
    nginx = spawn(NGINX, ["-p", dir, "-c", path.join(dir, "nginx.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    nginx.stderr?.on("data", (chunk) => (stderr += chunk));
    for (let attempt = 0; ; attempt++) {
      if (nginx.exitCode !== null || attempt === 300) throw new Error(`nginx did not start: ${stderr}`);
      try {
        if ((await fetch(`${proxyUrl}/api/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once("exit", resolve));
      nginx.kill("SIGTERM");
      await exited;
    }
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("records the address nginx saw, not the one the client forged", async () => {
    expect(await oneClickFrom(proxyUrl, "127.0.0.6", FORGED)).toBe("127.0.0.6");
    expect(await oneClickFrom(proxyUrl, "127.0.0.6", `${FORGED}, 198.51.100.9`)).toBe("127.0.0.6");
  });
});
