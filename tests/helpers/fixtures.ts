import { randomBytes } from "node:crypto";
import { createApiKey } from "@/lib/admin/api-key-store";
import { createWorkspace, updateIntegrations } from "@/lib/admin/workspace-store";
import type { ApiScope } from "@/lib/api/api-key-auth";
import { createContact } from "@/lib/contacts/contact-store";
import { createTopic } from "@/lib/admin/topic-store";
import type { Channel } from "@/lib/generated/prisma/enums";
import { signLinkToken } from "@/lib/links/message-links";
import type { TokenPurpose } from "@/lib/links/tokens";
import { db } from "@/lib/platform/db";
import { apiClient } from "@/tests/helpers/api-client";

export type TestWorkspaceOptions = {
  enabledChannels?: Channel[];
  /** Integration settings, saved as the owner saves them in Settings. */
  integrations?: Parameters<typeof updateIntegrations>[1];
};

/** A workspace with email, SMS and WhatsApp, an opt-in topic on all three, a default-on one, and a contact. */
export async function createTestWorkspace(options: TestWorkspaceOptions = {}) {
  const workspace = await createWorkspace({
    slug: `ws-${randomBytes(4).toString("hex")}`,
    name: "Test shop",
    enabledChannels: options.enabledChannels ?? ["email", "sms", "whatsapp"],
  });
  if (options.integrations) await updateIntegrations(workspace.id, options.integrations, []);
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

/** A link token for the workspace's contact, signed with the workspace's active key; by email unless told. */
export function signTestLink(
  shop: Pick<TestWorkspace, "workspace" | "contact">,
  link: { purpose: TokenPurpose; channel?: Channel; topic?: string; now?: Date },
) {
  return signLinkToken({ workspaceId: shop.workspace.id, contactId: shop.contact.id, channel: "email", ...link });
}

/** The secrets that sign a workspace's inbound SMS (Twilio) and WhatsApp webhooks, with `integrations: INBOUND_SECRETS`. */
export const INBOUND_SECRETS = { twilioAuthToken: "twilio-auth-token-0123456789abcdef", whatsappAppSecret: "meta-app-secret-0123456789" };

export type TestApiKeyOptions = {
  /** Read and write unless told. */
  scopes?: ApiScope[];
  rateLimitPerMinute?: number;
  itemRateLimitPerMinute?: number;
  /** Where the client sends its calls: a running app server; its route handlers in this process unless told. */
  baseUrl?: string;
};

/** An API key of the workspace, and a client that calls the API with it. */
export async function createTestApiKey(workspaceId: string, { scopes, rateLimitPerMinute, itemRateLimitPerMinute, baseUrl }: TestApiKeyOptions = {}) {
  const { id, key } = await createApiKey(workspaceId, "test", scopes);
  if (rateLimitPerMinute !== undefined || itemRateLimitPerMinute !== undefined) {
    await db().apiKey.update({ where: { id }, data: { rateLimitPerMinute, itemRateLimitPerMinute } });
  }
  return { id, key, api: apiClient(key, { baseUrl }) };
}

/**
 * Where-clause for ledger entries other than contacts' creation entries (the defaults each contact
 * received when it was created): the changes a test makes.
 */
export const CHANGES = { NOT: { action: "subscribe", channel: null } } as const;
