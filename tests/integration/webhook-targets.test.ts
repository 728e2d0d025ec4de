import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/platform/db";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createWebhookEndpoint } from "@/lib/webhooks/webhook-store";
import { runWorkerOnce } from "@/lib/webhooks/worker";
import { createTestWorkspace } from "@/tests/helpers/fixtures";

// Outside demo mode (this file sets no WEBHOOK_ALLOW_PRIVATE_TARGETS), no event goes to this machine or
// its network, whatever URL an owner saved.

let hits = 0;
const receiver = http.createServer((_request, response) => {
  hits++;
  response.writeHead(200).end();
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise((resolve) => receiver.close(resolve)));

describe("webhook targets on private addresses", () => {
  it("are refused before any request, and the delivery says why", async () => {
    const shop = await createTestWorkspace();
    await createWebhookEndpoint(shop.workspace.id, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`, ["consent.changed"]);
    await changeSubscription({
      workspaceId: shop.workspace.id,
      contactId: shop.contact.id,
      channel: "email",
      status: "unsubscribed",
      evidence: { source: "api" },
    });
    await runWorkerOnce();
    expect(hits).toBe(0);
    const [delivery] = await db().webhookDelivery.findMany({ where: { workspaceId: shop.workspace.id } });
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastError: "the endpoint's host is a private or local address" });
  });
});
