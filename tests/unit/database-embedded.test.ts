import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstClosedDirectory } from "@/lib/platform/database/embedded";

// As root, the embedded PostgreSQL runs as the `postgres` OS user: start-up names the first folder on
// the way to its binaries or data that this user may not enter, instead of crashing with EACCES.

let outer: string;
const stranger = { uid: 54321, gid: 54321 };

beforeAll(async () => {
  outer = await mkdtemp(path.join(tmpdir(), "pc-closed-"));
  await mkdir(path.join(outer, "inner", "data"), { recursive: true });
});
afterAll(async () => {
  await rm(outer, { recursive: true, force: true });
});

describe("firstClosedDirectory", () => {
  it("names the first folder on the way that others may not enter", async () => {
    await chmod(outer, 0o700);
    expect(firstClosedDirectory(path.join(outer, "inner", "data"), stranger)).toBe(outer);
  });

  it("lets the owner, or the group, in by their own bits", async () => {
    const { uid, gid } = { uid: process.getuid?.(), gid: process.getgid?.() };
    await chmod(outer, 0o700);
    expect(firstClosedDirectory(path.join(outer, "inner"), { uid, gid })).toBeNull();
    await chmod(outer, 0o710);
    expect(firstClosedDirectory(path.join(outer, "inner"), { uid: stranger.uid, gid })).toBeNull();
  });

  it("finds nothing closed when every folder may be entered, nor past the first that does not exist yet", async () => {
    await chmod(outer, 0o755);
    expect(firstClosedDirectory(path.join(outer, "inner", "data"), stranger)).toBeNull();
    await chmod(path.join(outer, "inner"), 0o700);
    expect(firstClosedDirectory(path.join(outer, "missing", "data"), stranger)).toBeNull();
    await chmod(path.join(outer, "inner"), 0o755);
  });
});
