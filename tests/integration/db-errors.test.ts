import { describe, expect, it } from "vitest";
import { createTopic } from "@/lib/admin/topic-store";
import { db, pool } from "@/lib/platform/db";
import { isUniqueViolation } from "@/lib/platform/db-errors";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

// The errors a duplicate key really raises, through each way this code reaches PostgreSQL.

async function thrownBy(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (error) {
    return error;
  }
  throw new Error("the write succeeded");
}

const COPY_OFFERS = `INSERT INTO topics (id, workspace_id, key, names, descriptions, channels, requires_opt_in, position)
  SELECT gen_random_uuid(), workspace_id, key, names, descriptions, channels, requires_opt_in, position FROM topics WHERE id = $1`;

describe("isUniqueViolation", () => {
  it("recognises a duplicate key from Prisma (a model write, inside a transaction, a raw query) and from pg", async () => {
    const { workspace, topics } = await createTestWorkspace();
    const duplicates = await Promise.all([
      thrownBy(() => createTopic(workspace.id, { key: "offers", names: { en: "Offers again" }, channels: ["email"], requiresOptIn: false })),
      thrownBy(() =>
        db().topic.create({ data: { workspaceId: workspace.id, key: "offers", names: {}, descriptions: {}, channels: ["email"], requiresOptIn: false } }),
      ),
      thrownBy(() => db().$executeRawUnsafe(COPY_OFFERS, topics.offers.id)),
      thrownBy(() => pool().query(COPY_OFFERS, [topics.offers.id])),
    ]);
    expect(duplicates.map(isUniqueViolation)).toEqual([true, true, true, true]);
  });

  it("does not take another constraint's violation, or any other error, for one", async () => {
    const others = await Promise.all([
      thrownBy(() =>
        db().topic.create({
          data: { workspaceId: "00000000-0000-4000-8000-000000000000", key: "x", names: {}, descriptions: {}, channels: ["email"], requiresOptIn: false },
        }),
      ),
      thrownBy(() => pool().query("INSERT INTO topics (id) VALUES (gen_random_uuid())")),
      thrownBy(() => pool().query("SELECT 1/0")),
    ]);
    expect([...others, new Error("duplicate"), null, "23505"].map(isUniqueViolation)).toEqual([false, false, false, false, false, false]);
  });
});
