import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/platform/env";

describe("parseEnv", () => {
  it("defaults to port 3000, the embedded database and demo mode", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: ".data", DEMO_MODE: true, APP_URL: "http://localhost:3000" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("turns demo mode off by default when a database is given", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://app:secret@db.internal:5432/prefs", PORT: "8080" });
    expect(env).toMatchObject({ DEMO_MODE: false, PORT: 8080, APP_URL: "http://localhost:8080" });
    expect(parseEnv({ DATABASE_URL: "postgres://h/db", DEMO_MODE: "1" }).DEMO_MODE).toBe(true);
  });

  it("treats an empty variable as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" })).toMatchObject({ PORT: 3000, DEMO_MODE: true });
  });

  it("strips a trailing slash from APP_URL", () => {
    expect(parseEnv({ APP_URL: "https://prefs.example.com/" }).APP_URL).toBe("https://prefs.example.com");
  });

  it.each([
    [{ DATABASE_URL: "mysql://localhost/db" }, /^DATABASE_URL must be a URL like postgresql:\/\//],
    [{ DATABASE_URL: "not a url" }, /^DATABASE_URL must be a URL like postgresql:\/\//],
    [{ PORT: "70000" }, /^PORT must be a port number from 1 to 65535$/],
    [{ PORT: "0" }, /^PORT must be a port number from 1 to 65535$/],
    [{ PORT: "abc" }, /^PORT /],
    [{ APP_URL: "ftp://x" }, /^APP_URL must be an http\(s\) URL/],
    [{ DEMO_MODE: "maybe" }, /^DEMO_MODE /],
    [{ NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "short" }, /^NEXT_SERVER_ACTIONS_ENCRYPTION_KEY must be the base64 of 16, 24 or 32 random bytes/],
  ])("refuses %o with one line naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("never echoes the database password in its message", () => {
    try {
      parseEnv({ DATABASE_URL: "mysql://user:hunter2@localhost/db" });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });
});
