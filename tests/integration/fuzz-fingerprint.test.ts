import { expect, it } from "vitest";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createTestWorkspace } from "@/tests/helpers/fixtures";
import { everything } from "@/tests/helpers/fuzz";
import { snapshotRows } from "@/tests/helpers/snapshot";

// The fuzz targets (tests/integration/fuzz-*.test.ts) see a refused request write nothing through this
// fingerprint of the database; it must see what the row-by-row snapshot sees.

it("the fingerprint changes exactly when snapshotRows() does", async () => {
  const { workspace, contact } = await createTestWorkspace();
  const stop = () =>
    changeSubscription({ workspaceId: workspace.id, contactId: contact.id, channel: "sms", status: "unsubscribed", evidence: { source: "api" } });
  const [rows, print] = [await snapshotRows(), await everything()];
  await stop();
  expect(await snapshotRows()).not.toBe(rows);
  expect(await everything()).not.toEqual(print);
  const [rowsAfter, printAfter] = [await snapshotRows(), await everything()];
  await stop(); // already so: nothing written
  expect(await snapshotRows()).toBe(rowsAfter);
  expect(await everything()).toEqual(printAfter);
});
