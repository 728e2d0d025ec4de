import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@/lib/platform/database/embedded";
import { apiClient } from "@/tests/helpers/api-client";

// `npm start` as a user runs it: the real start-up script, the embedded PostgreSQL, the built app.

type Run = { code: number | null; stdout: string; stderr: string };

// Servers still running when a test fails, stopped before the data folder goes.
const running = new Set<ChildProcess>();

function serve(env: Record<string, string>, { untilReady = false } = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/serve.ts", "start"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<Run>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    if (!untilReady) return resolve();
    child.stdout.on("data", () => stdout.includes("Press Ctrl+C to stop.") && resolve());
    void exited.then((run) => reject(new Error(`exited ${run.code}: ${run.stderr}`)));
  });
  return { child, exited, ready };
}

function expectOneClearLine(run: Run, message: RegExp) {
  expect(run.code).toBe(1);
  const lines = run.stderr.split("\n").filter((line) => line.trim() !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pc-start-"));
});
afterAll(async () => {
  await Promise.all([...running].map((child) => new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"))));
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("stops with one line when DATABASE_URL is malformed", async () => {
    const run = await serve({ DATABASE_URL: "mysql://root:hunter2@localhost/db", DATA_DIR: dataDir }).exited;
    expectOneClearLine(run, /^Cannot start: DATABASE_URL must be a URL like postgresql:\/\//);
    expect(run.stderr).not.toContain("hunter2");
  });

  it("stops with one line when the database cannot be reached, without printing its password", async () => {
    const port = await freePort();
    const run = await serve({ DATABASE_URL: `postgresql://app:hunter2@127.0.0.1:${port}/prefs`, PORT: String(await freePort()), DATA_DIR: dataDir }).exited;
    expectOneClearLine(run, new RegExp(`^Cannot start: cannot reach the database at 127\\.0\\.0\\.1:${port}/prefs \\(ECONNREFUSED\\): check DATABASE_URL$`));
    expect(run.stderr).not.toContain("hunter2");
  });

  it("stops with one line when the port is in use", async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "0.0.0.0", resolve));
    try {
      const run = await serve({ PORT: String(port), DATA_DIR: dataDir }).exited;
      expectOneClearLine(run, new RegExp(`^Cannot start: port ${port} is already in use: stop what uses it or set PORT to a free port$`));
    } finally {
      blocker.close();
    }
  });

  // As root the embedded PostgreSQL runs as the `postgres` OS user, which cannot enter a folder such as root's home.
  it.runIf(process.getuid?.() === 0)("stops with one line when the postgres OS user cannot enter the data folder", async () => {
    const closed = await mkdtemp(path.join(tmpdir(), "pc-closed-"));
    try {
      await chmod(closed, 0o700);
      const run = await serve({ PORT: String(await freePort()), DATA_DIR: path.join(closed, "data") }).exited;
      expectOneClearLine(
        run,
        new RegExp(`^Cannot start: the postgres OS user, .* cannot enter ${closed} .*: set DATA_DIR to a folder it can enter .*, or set DATABASE_URL`),
      );
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  });

  it("serves, writes demo.json, stops cleanly, and keeps the demo workspace across restarts", { timeout: 240_000 }, async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir };

    const first = serve(env, { untilReady: true });
    // Health means ready: the first 200 comes only once start-up is done, demo.json written.
    const firstOk = (async () => {
      for (;;) {
        const answer = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
        if (answer?.ok) return existsSync(path.join(dataDir, "demo.json"));
        if (first.child.exitCode !== null) return null;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await first.ready;
    expect(await firstOk, "demo.json existed when /api/health first answered 200").toBe(true);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const demo = JSON.parse(await readFile(path.join(dataDir, "demo.json"), "utf8"));
    expect(demo).toMatchObject({ baseUrl: `http://localhost:${port}`, apiKey: expect.stringMatching(/^pck_/), workspaceId: expect.any(String) });
    expect(demo.contacts.length).toBeGreaterThanOrEqual(4);
    expect(new Set(demo.contacts.map((c: { locale: string }) => c.locale.slice(0, 2)))).toEqual(new Set(["en", "es", "pt", "it"]));
    for (const contact of demo.contacts) {
      expect(Object.keys(contact).sort()).toEqual(["email", "id", "locale", "oneClickUrl", "phone", "preferencesUrl", "unsubscribeUrl"]);
    }
    // The demo sign-up form is there, hosted and with its embed snippet.
    const signupForm = await fetch(demo.signupForm.hostedUrl.replace("localhost", "127.0.0.1"), { headers: { "accept-language": "en" } });
    expect(signupForm.status).toBe(200);
    expect(await signupForm.text()).toContain("Stay in touch with Acme");
    expect(demo.signupForm.embedSnippet).toBe(`<script src="http://localhost:${port}/embed.js" data-form="${demo.signupForm.id}" async></script>`);
    // The signed SMS in demo.json works as printed: a STOP answered with a TwiML confirmation.
    const tryIt: string = demo.inbound.sms.tryIt;
    const signature = /X-Twilio-Signature: ([^']+)'/.exec(tryIt)![1];
    const form = new URLSearchParams([...tryIt.matchAll(/--data-urlencode '([^=]+)=([^']*)'/g)].map((m) => [m[1], m[2]]));
    const sms = await fetch(demo.inbound.sms.url.replace("localhost", "127.0.0.1"), {
      method: "POST",
      headers: { "x-twilio-signature": signature },
      body: form,
    });
    expect(sms.status).toBe(200);
    expect(await sms.text()).toContain("<Message>Acme: you will receive no more SMS messages.");
    // And the signed WhatsApp message: its BAJA, for the demo's phone number id, switches that contact's WhatsApp off.
    const whatsappTryIt: string = demo.inbound.whatsapp.tryIt;
    const whatsapp = await fetch(demo.inbound.whatsapp.url.replace("localhost", "127.0.0.1"), {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": /X-Hub-Signature-256: ([^']+)'/.exec(whatsappTryIt)![1] },
      body: /--data '([^']+)'$/.exec(whatsappTryIt)![1],
    });
    expect(whatsapp.status).toBe(200);
    const texter = demo.contacts.find((c: { phone: string | null }) => c.phone);
    const preferences = await apiClient(demo.apiKey, { baseUrl: `http://127.0.0.1:${port}` }).get(`/api/v1/contacts/${texter.id}/preferences`);
    expect((await preferences.json()).channels).toMatchObject({ sms: { subscribed: false }, whatsapp: { subscribed: false }, email: { subscribed: true } });
    expect(demo.inbound.email.secret).toMatch(/^whsec_/);
    // The signed delivery events work as given: the complaint and the hard bounce each take effect.
    for (const webhook of [demo.inbound.delivery.resend, demo.inbound.delivery.generic]) {
      expect(webhook.secret).toMatch(/^whsec_/);
      const answer = await fetch(webhook.url.replace("localhost", "127.0.0.1"), {
        method: "POST",
        headers: webhook.example.headers,
        body: webhook.example.body,
      });
      expect(await answer.json()).toEqual({ results: [{ outcome: webhook === demo.inbound.delivery.resend ? "opted_out" : "suppressed" }] });
    }

    first.child.kill("SIGTERM");
    const stopped = await first.exited;
    expect(stopped.code).toBe(0);
    // PostgreSQL shut down cleanly: it removes its pid file on a clean stop.
    expect(existsSync(path.join(dataDir, "pg", "postmaster.pid"))).toBe(false);

    const second = serve(env, { untilReady: true });
    await second.ready;
    const again = JSON.parse(await readFile(path.join(dataDir, "demo.json"), "utf8"));
    expect(again.workspaceId).toBe(demo.workspaceId);
    expect(again.apiKey).toBe(demo.apiKey);
    expect(again.signupForm.id).toBe(demo.signupForm.id);
    expect(again.contacts.map((c: { id: string }) => c.id)).toEqual(demo.contacts.map((c: { id: string }) => c.id));
    second.child.kill("SIGINT");
    expect((await second.exited).code).toBe(0);
  });
});
