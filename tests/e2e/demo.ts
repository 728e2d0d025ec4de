import { readFileSync } from "node:fs";

// The demo workspace the app under test seeded in its data directory (see playwright.config.ts).
export type Demo = {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
  contacts: { id: string; email: string; locale: string; unsubscribeUrl: string; oneClickUrl: string; preferencesUrl: string }[];
};

export function readDemo(): Demo {
  return JSON.parse(readFileSync(".tmp/e2e/demo.json", "utf8")) as Demo;
}
