import { z } from "zod";
// Relative: next.config.ts loads this file before the @/ alias exists.
import { isWebhookSecret } from "../webhooks/standard-webhooks";

// The only reader of process.env. Every setting the app understands is declared here, so an invalid
// value stops start-up with one line saying what to fix.

const booleanFlag = z.enum(["1", "0", "true", "false", "yes", "no"]).transform((value) => value === "1" || value === "true" || value === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "postgresql:" || url.protocol === "postgres:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, "must be a URL like postgresql://user:password@host:5432/database")
    .optional(),
  PORT: z.coerce.number().int().min(1, "must be a port number from 1 to 65535").max(65535, "must be a port number from 1 to 65535").default(3000),
  HOSTNAME: z.string().trim().min(1).default("0.0.0.0"),
  APP_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://prefs.example.com" })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  DATA_DIR: z.string().trim().min(1).default(".data"),
  DEMO_MODE: booleanFlag.optional(),
  /** The bound on each server process's JavaScript heap (web server, worker), in MB. */
  MAX_HEAP_MB: z.coerce.number().int().min(64).max(65_536).default(160),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Connections for the audience and suppressions streams, apart from DATABASE_POOL_SIZE: how many streams run at once. */
  STREAM_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(3),
  /** A stream whose reader takes nothing for this long is cut off, and its connection freed. */
  STREAM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Changes of one workspace that hold a connection at once, per app instance; the rest wait their turn without one. */
  LEDGER_WRITERS_PER_WORKSPACE: z.coerce.number().int().min(1).max(50).default(3),
  /** The address in the `mailto:` of List-Unsubscribe; unsubscribe@<host of APP_URL> when unset. */
  UNSUBSCRIBE_MAILTO: z.email({ error: "must be an email address such as unsubscribe@prefs.example.com" }).optional(),
  /** Resend, for the email the service sends itself (fresh links, sign-in, confirmations). */
  RESEND_API_KEY: z.string().trim().min(1).optional(),
  RESEND_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  EMAIL_FROM: z.string().trim().min(3).optional(),
  /** Auth.js: signs admin sessions' cookies and verification tokens. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  AUTH_GITHUB_ID: z.string().min(1).optional(),
  AUTH_GITHUB_SECRET: z.string().min(1).optional(),
  AUTH_GOOGLE_ID: z.string().min(1).optional(),
  AUTH_GOOGLE_SECRET: z.string().min(1).optional(),
  /** Keys the hashes that keep erased addresses suppressed. Never rotate it: old hashes would stop matching. */
  SUPPRESSION_KEY: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  /** Where Twilio's REST API is reached, for SMS opt-in confirmations; Twilio's own when unset (demo mode: a local stub). */
  TWILIO_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  /** Where the WhatsApp Cloud API is reached, for the confirmation replies (a local stub in tests). */
  WHATSAPP_API_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).default("https://graph.facebook.com/v21.0"),
  /** The whsec_ secret the inbound-email webhook (mailto unsubscribes) is signed with (Standard Webhooks / Svix). */
  INBOUND_EMAIL_SECRET: z.string().refine(isWebhookSecret, "must be a whsec_ secret (base64 of 24 to 64 bytes) from your inbound-email provider").optional(),
  /** Let webhooks go to private and local addresses (a receiver on this machine); on in demo mode. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag.optional(),
  /** Whether `npm start` also runs the webhook worker in its process (run `npm run worker` apart to scale it alone). */
  RUN_WORKER: booleanFlag.default(true),
  /** Whether `npm start` applies staged imports in its process: with the worker when RUN_WORKER is on, on their own when it is off. */
  RUN_IMPORTS: booleanFlag.default(true),
  /** How long one webhook or Resend attempt may take; well under the 60-second lease of a claimed delivery. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(30_000).default(10_000),
  /** Attempts one worker runs at once, across all endpoints (each endpoint, and each Resend sync, gets at most 4 of them). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  /** Days an outbox event, and a delivery once delivered, is kept. */
  RETENTION_OUTBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Days a dead delivery (after its last attempt), or one held for a disabled endpoint, is kept for a replay. */
  RETENTION_DEAD_LETTER_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Days a link visit is kept; at least the dashboard's longest range, 90 days. */
  RETENTION_LINK_VISIT_DAYS: z.coerce.number().int().min(90).max(3650).default(90),
  /** Days an SMS/WhatsApp short link is kept once expired (expired or deleted, it answers "no longer valid"). */
  RETENTION_SHORT_LINK_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Page views (and their form posts) one client address may make a minute, per app instance. */
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Double opt-in confirmations (emails, and SMS texts apart) one workspace may have sent per UTC day (all instances together). */
  OPTIN_CONFIRMATIONS_PER_WORKSPACE_PER_DAY: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  /**
   * Next's key for server actions: it salts their ids and encrypts what inline actions close over. Give
   * every instance behind one load balancer the same; unset, `npm run build` derives it from the sources.
   */
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: z
    .string()
    .refine(
      (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && [16, 24, 32].includes(Buffer.from(value, "base64").length),
      "must be the base64 of 16, 24 or 32 random bytes (openssl rand -base64 32)",
    )
    .optional(),
  /** How many reverse proxies in front of the app append to X-Forwarded-For. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
});

export type Env = z.infer<typeof envSchema> & {
  APP_URL: string;
  DEMO_MODE: boolean;
  UNSUBSCRIBE_MAILTO: string;
  EMAIL_FROM: string;
  WEBHOOK_ALLOW_PRIVATE_TARGETS: boolean;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // An empty variable means "not set", as in a .env file with `DATABASE_URL=`.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue.path.join(".");
    throw new ConfigError(`${name} ${issue.message.replace(/^Invalid input: /, "")}`);
  }
  const env = result.data;
  const demoMode = env.DEMO_MODE ?? env.DATABASE_URL === undefined;
  const appUrl = env.APP_URL ?? `http://localhost:${env.PORT}`;
  return {
    ...env,
    APP_URL: appUrl,
    UNSUBSCRIBE_MAILTO: env.UNSUBSCRIBE_MAILTO ?? `unsubscribe@${new URL(appUrl).hostname}`,
    EMAIL_FROM: env.EMAIL_FROM ?? `Preference center <no-reply@${new URL(appUrl).hostname}>`,
    DEMO_MODE: demoMode,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? demoMode,
  };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The database URL, which the start-up scripts put in place before the app runs. */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new ConfigError("DATABASE_URL is not set: start the app with `npm start`, which provides one");
  return url;
}
