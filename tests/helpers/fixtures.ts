import { randomBytes } from "node:crypto";
import { createApiKey } from "@/lib/admin/api-key-store";
import { createWorkspace } from "@/lib/admin/workspace-store";
import type { ApiScope } from "@/lib/api/api-key-auth";
import { createContact } from "@/lib/contacts/contact-store";
import { createTopic } from "@/lib/admin/topic-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/platform/db";
import { apiClient } from "@/tests/helpers/api-client";

export type TestWorkspaceOptions = {
  enabledChannels?: Channel[];
};

/** A workspace with email, SMS and WhatsApp, an opt-in topic on all three, a default-on one, and a contact. */
export async function createTestWorkspace(options: TestWorkspaceOptions = {}) {
  const workspace = await createWorkspace({
    slug: `ws-${randomBytes(4).toString("hex")}`,
    name: "Test shop",
    enabledChannels: options.enabledChannels ?? ["email", "sms", "whatsapp"],
  });
  const offers = await createTopic(workspace.id, {
    key: "offers",
    names: { en: "Offers" },
    channels: ["email", "sms", "whatsapp"],
    requiresOptIn: true,
  });
  const reminders = await createTopic(workspace.id, {
    key: "reminders",
    names: { en: "Reminders" },
    channels: ["email", "sms"],
    requiresOptIn: false,
    position: 1,
  });
  const contact = await createContact(workspace.id, {
    externalId: `c-${randomBytes(4).toString("hex")}`,
    email: `Person.${randomBytes(4).toString("hex")}@Example.com`,
    phone: "+14155550100",
    whatsappId: "14155550100",
    locale: "en",
  });
  return { workspace, topics: { offers, reminders }, contact };
}

export type TestWorkspace = Awaited<ReturnType<typeof createTestWorkspace>>;

export type TestApiKeyOptions = {
  /** Read and write unless told. */
  scopes?: ApiScope[];
  rateLimitPerMinute?: number;
  /** Where the client sends its calls: a running app server; its route handlers in this process unless told. */
  baseUrl?: string;
};

/** An API key of the workspace, and a client that calls the API with it. */
export async function createTestApiKey(workspaceId: string, { scopes, rateLimitPerMinute, baseUrl }: TestApiKeyOptions = {}) {
  const { id, key } = await createApiKey(workspaceId, "test", scopes);
  if (rateLimitPerMinute !== undefined) await db().apiKey.update({ where: { id }, data: { rateLimitPerMinute } });
  return { id, key, api: apiClient(key, { baseUrl }) };
}

/**
 * Where-clause for ledger entries other than contacts' creation entries (the defaults each contact
 * received when it was created): the changes a test makes.
 */
export const CHANGES = { NOT: { action: "subscribe", channel: null } } as const;
