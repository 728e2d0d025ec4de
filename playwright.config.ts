import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./tests/helpers/chromium";

// The browser tests drive the production build in a real Chromium (tests/helpers/chromium.ts says which).
const port = Number(process.env.E2E_PORT ?? 3100);
const hostPort = Number(process.env.E2E_HOST_PORT ?? 3199);
export const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"]],
  timeout: 30_000,
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: chromiumLaunchOptions,
      },
    },
  ],
  webServer: [
    {
      // The real start-up path on a fresh data directory: build when stale, embedded PostgreSQL, demo seed.
      command: "rm -rf .tmp/e2e && node --import tsx --conditions=react-server scripts/serve.ts start",
      url: `${baseURL}/api/health`,
      // Every browser test comes from one address (the per-address page limit has its own test); the
      // webhook endpoints the admin tests add are not real, and tests reach no outside host.
      env: { PORT: String(port), DATA_DIR: ".tmp/e2e", APP_URL: baseURL, PUBLIC_RATE_LIMIT_PER_MINUTE: "100000", RUN_WORKER: "0" },
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
    {
      // A business's site on another origin, embedding the page (tests/e2e/embed.spec.ts).
      command: "node tests/e2e/host-server.mjs",
      url: `http://localhost:${hostPort}/script`,
      env: { E2E_HOST_PORT: String(hostPort), E2E_APP_URL: baseURL },
      reuseExistingServer: false,
    },
  ],
});
