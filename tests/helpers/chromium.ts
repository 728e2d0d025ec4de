import { existsSync } from "node:fs";

// How every browser test starts Chromium. Playwright's own browser download is never used:
// CHROMIUM_PATH names the executable, else Debian's /usr/bin/chromium.
export const chromiumLaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined),
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};
