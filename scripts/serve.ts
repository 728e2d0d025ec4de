// `npm start` (production build, built when stale) and `npm run dev` (next dev): bring up the database,
// migrate, seed the demo workspace once, serve on PORT, print the demo links, and stop everything
// cleanly on Ctrl+C or SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { ConfigError, parseEnv, type Env } from "@/lib/platform/env";
import { bootDatabase, type BootedDatabase } from "@/lib/platform/database/boot";
import { startMailStub, type MailStub } from "@/lib/platform/dev/mail-stub";
import { startMessagingStub, type MessagingStub } from "@/lib/platform/dev/messaging-stub";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";
import type { DemoFile } from "@/prisma/seed";
import { buildIfStale, serverProcessArgs } from "./build-if-stale";

const mode = process.argv[2] === "dev" ? "dev" : "start";

function fail(message: string): never {
  console.error(`\nCannot start: ${message}`);
  process.exit(1);
}

async function readOrCreateSecret(file: string, make = () => randomBytes(32).toString("base64url")): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = make();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          error.code === "EADDRINUSE"
            ? `port ${port} is already in use: stop what uses it or set PORT to a free port`
            : `cannot listen on ${host}:${port} (${error.code}): set PORT or HOSTNAME`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error("the web server exited during start-up");
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the web server did not answer /api/health within a minute");
}

function printBanner(env: Env, database: BootedDatabase, localUrl: string, mail: MailStub | null, messaging: MessagingStub | null, demo: DemoFile | null) {
  const lines = [
    "",
    `Preference center ${mode === "dev" ? "(development) " : ""}ready at ${env.APP_URL}`,
    `  health       ${localUrl}/api/health`,
    `  database     ${database.description}`,
    `  email        ${mail ? `not sent: the local Resend stub keeps each message in ${mail.dir}/` : env.RESEND_API_KEY ? "through Resend" : "off (set RESEND_API_KEY)"}`,
    `  SMS/WhatsApp ${messaging ? `not sent: the local Twilio and Cloud API stub keeps each message in ${messaging.dir}/` : "through each workspace's Twilio and WhatsApp settings"}`,
  ];
  if (demo) {
    lines.push(`  demo         ${path.join(env.DATA_DIR, "demo.json")} (API key, workspace id, contacts and their links, inbound webhooks to try)`);
    lines.push(`  dashboard    ${env.APP_URL}/admin (sign in as ${demo.admins[0].email}; the link arrives by email)`);
    lines.push(`  sign-up form ${demo.signupForm.hostedUrl}`);
    lines.push(`  embed it     ${demo.signupForm.embedSnippet} (from ${demo.signupForm.allowedOrigins.join(", ")})`);
    for (const contact of demo.contacts) {
      const link = contact.unsubscribeUrl;
      lines.push(`  ${`unsub. ${contact.locale ?? "?"}`.padEnd(12)} ${link}`);
    }
  }
  lines.push("Press Ctrl+C to stop.", "");
  console.log(lines.join("\n"));
}

async function main() {
  let env: Env;
  try {
    env = parseEnv(process.env);
    await assertPortFree(env.PORT, env.HOSTNAME);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let database: BootedDatabase;
  try {
    database = await bootDatabase(env);
  } catch (error) {
    fail((error as Error).message);
  }

  if (mode === "start") {
    try {
      buildIfStale();
    } catch (error) {
      await database.stop();
      fail((error as Error).message);
    }
  }
  // The seed, the web server and the worker read DATABASE_URL through lib/env. Demo mode was decided by
  // its absence, so it is passed on explicitly before the URL is set.
  process.env.DEMO_MODE = env.DEMO_MODE ? "1" : "0";
  process.env.DATABASE_URL = database.url;

  // Auth.js builds its links (the magic link among them) from AUTH_URL: the public address.
  process.env.AUTH_URL ??= env.APP_URL;

  // Demo mode signs admin sessions with a secret of its own, kept beside the data so sessions survive restarts.
  if (env.DEMO_MODE && !env.AUTH_SECRET) process.env.AUTH_SECRET = await readOrCreateSecret(path.join(env.DATA_DIR, "auth-secret"));
  if (env.DEMO_MODE && !env.SUPPRESSION_KEY) process.env.SUPPRESSION_KEY = await readOrCreateSecret(path.join(env.DATA_DIR, "suppression-key"));
  if (env.DEMO_MODE && !env.INBOUND_EMAIL_SECRET) {
    process.env.INBOUND_EMAIL_SECRET = await readOrCreateSecret(path.join(env.DATA_DIR, "inbound-email-secret"), generateWebhookSecret);
  }

  // Demo mode without a Resend key sends email to a local stand-in for Resend's API; messages are files.
  const mail = env.DEMO_MODE && !env.RESEND_API_KEY ? await startMailStub(path.join(env.DATA_DIR, "mail")) : null;
  if (mail) {
    process.env.RESEND_API_KEY = "re_local_stub";
    process.env.RESEND_BASE_URL = mail.url;
  }

  // Demo mode without a Twilio address texts (and answers on WhatsApp) through a local stand-in; messages are files.
  const messaging = env.DEMO_MODE && !env.TWILIO_BASE_URL ? await startMessagingStub(path.join(env.DATA_DIR, "messages")) : null;
  if (messaging) {
    process.env.TWILIO_BASE_URL = messaging.url;
    process.env.WHATSAPP_API_BASE_URL ??= messaging.whatsappBaseUrl;
  }

  // The demo is seeded (demo.json written) before the web server listens: /api/health answering 200 means ready.
  let demo: DemoFile | null = null;
  if (env.DEMO_MODE) {
    const { seedDemo } = await import("@/prisma/seed");
    try {
      demo = await seedDemo(env.DATA_DIR, env.APP_URL);
    } catch (error) {
      await mail?.stop();
      await messaging?.stop();
      await database.stop();
      fail(`the demo workspace could not be seeded: ${(error as Error).message}`);
    }
  }

  // Production runs scripts/web-server.ts, compiled by the build (Next's handler, with the client's address taken from the
  // socket); development runs `next dev`, where the address is whatever the browser on this machine sends.
  const server =
    mode === "start"
      ? spawn(process.execPath, serverProcessArgs("web-server", env.MAX_HEAP_MB), {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, NODE_ENV: "production", PORT: String(env.PORT), HOSTNAME: env.HOSTNAME, NEXT_TELEMETRY_DISABLED: "1" },
        })
      : spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "dev", "--port", String(env.PORT), "--hostname", env.HOSTNAME], {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
        });

  // The outbox worker (RUN_WORKER) runs in this process once the app answers; stopping waits for its deliveries in flight.
  // Without it, staged imports are still applied here (RUN_IMPORTS).
  const stopWorker = new AbortController();
  let workerStopped: Promise<void> = Promise.resolve();

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    stopWorker.abort();
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await workerStopped;
    await mail?.stop();
    await messaging?.stop();
    await database.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  server.on("exit", (code) => {
    if (!stopping) {
      console.error(`The web server stopped (exit code ${code ?? "none"}).`);
      void stop(code || 1);
    }
  });

  const localUrl = `http://127.0.0.1:${env.PORT}`;
  try {
    await waitForHealth(localUrl, server);
    printBanner(env, database, localUrl, mail, messaging, demo);
    if (env.RUN_WORKER && !stopping) {
      const { startWorker } = await import("@/lib/webhooks/worker");
      const { closeDatabaseConnections } = await import("@/lib/platform/health-store");
      workerStopped = startWorker({ intervalMs: 1_000, signal: stopWorker.signal }).then(closeDatabaseConnections);
    } else if (env.RUN_IMPORTS && !stopping) {
      const { startImportWorker } = await import("@/lib/webhooks/worker");
      const { closeDatabaseConnections } = await import("@/lib/platform/health-store");
      workerStopped = startImportWorker({ intervalMs: 1_000, signal: stopWorker.signal }).then(closeDatabaseConnections);
    }
  } catch (error) {
    console.error(`\nCannot start: ${(error as Error).message}`);
    await stop(1);
  }
}

await main();
