import "server-only";
import { randomBytes } from "node:crypto";
import { generateApiKey } from "@/lib/api-keys";
import { GENESIS_HASH } from "@/lib/consent-chain";
import { db } from "@/lib/db";
import { syncConsentDefaults } from "@/lib/data/consent-defaults";
import { insertContact, type ContactFields } from "@/lib/data/contacts";
import { ledgerTransaction } from "@/lib/data/ledger";
import type { Channel, ConsentSource } from "@/lib/generated/prisma/enums";
import type { LocalizedText } from "@/lib/data/preferences";
import { readBranding, type Branding } from "@/lib/schemas/embed";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";

export type NewWorkspace = {
  slug: string;
  name: string;
  defaultLocale?: string;
  enabledChannels: Channel[];
};

/** A workspace is born with its ledger chain head, an active signing key and its channels' defaults. */
export async function createWorkspace(input: NewWorkspace) {
  return db().$transaction(async (tx) => {
    const workspace = await tx.workspace.create({
      data: {
        slug: input.slug,
        name: input.name,
        defaultLocale: input.defaultLocale ?? "en",
        enabledChannels: input.enabledChannels,
        allowedEmbedOrigins: [],
      },
    });
    await tx.ledgerHead.create({ data: { workspaceId: workspace.id, seq: 0n, hash: GENESIS_HASH } });
    await tx.signingKey.create({
      data: { workspaceId: workspace.id, kid: `k_${randomBytes(9).toString("base64url")}`, secret: randomBytes(32) },
    });
    await syncConsentDefaults(tx, workspace.id);
    return workspace;
  });
}

export async function findWorkspaceBySlug(slug: string) {
  return db().workspace.findUnique({ where: { slug } });
}

export type NewTopic = {
  key: string;
  names: LocalizedText;
  descriptions?: LocalizedText;
  channels: Channel[];
  requiresOptIn: boolean;
  position?: number;
};

/** A topic on by default is so only for the contacts created from now on (lib/data/consent-defaults.ts). */
export async function createTopic(workspaceId: string, input: NewTopic) {
  return db().$transaction(async (tx) => {
    const topic = await tx.topic.create({
      data: {
        workspaceId,
        key: input.key,
        names: input.names,
        descriptions: input.descriptions ?? {},
        channels: input.channels,
        requiresOptIn: input.requiresOptIn,
        position: input.position ?? 0,
      },
    });
    await syncConsentDefaults(tx, workspaceId);
    return topic;
  });
}

export type NewContact = {
  externalId?: string | null;
  email?: string | null;
  phone?: string | null;
  whatsappId?: string | null;
  locale?: string | null;
};

/** Creates a contact with its creation entry; `source` says how it arrived (an admin unless told). */
export async function createContact(workspaceId: string, input: NewContact, source: ConsentSource = "admin") {
  const fields = Object.fromEntries(Object.entries(input).filter(([, value]) => value != null)) as ContactFields;
  const id = await ledgerTransaction(workspaceId, (client) => insertContact(client, workspaceId, fields, source));
  return db().contact.findUniqueOrThrow({ where: { id } });
}

/** Returns the key itself once; only its hash is kept. */
export async function createApiKey(workspaceId: string, name: string, scopes: string[] = ["read", "write"]) {
  const { key, prefix, hash } = generateApiKey();
  const row = await db().apiKey.create({ data: { workspaceId, name, prefix, hash, scopes } });
  return { id: row.id, prefix, key };
}

export async function revokeApiKey(workspaceId: string, apiKeyId: string) {
  await db().apiKey.updateMany({ where: { id: apiKeyId, workspaceId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export type EmbedSettings = { allowedEmbedOrigins: string[]; branding: Branding };

export async function getEmbedSettings(workspaceId: string): Promise<EmbedSettings | null> {
  const workspace = await db().workspace.findUnique({ where: { id: workspaceId }, select: { allowedEmbedOrigins: true, branding: true } });
  return workspace ? { allowedEmbedOrigins: workspace.allowedEmbedOrigins, branding: readBranding(workspace.branding) } : null;
}

/** Saves already-validated settings (lib/schemas/embed.ts); what is not given stays as it is. */
export async function updateEmbedSettings(workspaceId: string, settings: Partial<EmbedSettings>): Promise<EmbedSettings> {
  const workspace = await db().workspace.update({
    where: { id: workspaceId },
    data: {
      ...(settings.allowedEmbedOrigins ? { allowedEmbedOrigins: settings.allowedEmbedOrigins } : {}),
      ...(settings.branding ? { branding: settings.branding } : {}),
    },
    select: { allowedEmbedOrigins: true, branding: true },
  });
  return { allowedEmbedOrigins: workspace.allowedEmbedOrigins, branding: readBranding(workspace.branding) };
}

/** A webhook endpoint with a fresh Standard Webhooks secret (`whsec_…`), returned once. */
export async function createWebhookEndpoint(workspaceId: string, url: string, eventTypes: string[]) {
  const secret = generateWebhookSecret();
  const endpoint = await db().webhookEndpoint.create({ data: { workspaceId, url, secret, eventTypes } });
  return { id: endpoint.id, secret };
}

export async function listWebhookEndpoints(workspaceId: string) {
  return db().webhookEndpoint.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    select: { id: true, url: true, eventTypes: true, enabled: true, createdAt: true },
  });
}

export async function setWebhookEndpointEnabled(workspaceId: string, endpointId: string, enabled: boolean) {
  await db().webhookEndpoint.updateMany({ where: { id: endpointId, workspaceId }, data: { enabled, disabledAt: enabled ? null : new Date() } });
}

const INTEGRATION_COLUMNS = ["twilioAuthToken", "whatsappAppSecret", "whatsappVerifyToken", "whatsappAccessToken", "whatsappPhoneNumberId", "resendApiKey", "resendAudienceId"] as const;
type IntegrationColumn = (typeof INTEGRATION_COLUMNS)[number];

/** Which integration settings are set, never their values (the phone number and audience ids are not secret). */
export async function getIntegrationStatus(workspaceId: string) {
  const row = await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: Object.fromEntries(INTEGRATION_COLUMNS.map((c) => [c, true])) as Record<IntegrationColumn, true> });
  return {
    set: Object.fromEntries(INTEGRATION_COLUMNS.map((column) => [column, row[column] !== null])) as Record<IntegrationColumn, boolean>,
    whatsappPhoneNumberId: row.whatsappPhoneNumberId,
    resendAudienceId: row.resendAudienceId,
  };
}

/** Sets the values given (a blank one is left alone) and clears those named. */
export async function updateIntegrations(workspaceId: string, values: Partial<Record<IntegrationColumn, string>>, clear: IntegrationColumn[]) {
  const data: Partial<Record<IntegrationColumn, string | null>> = {};
  for (const column of INTEGRATION_COLUMNS) {
    if (clear.includes(column)) data[column] = null;
    else if (values[column]) data[column] = values[column];
  }
  await db().workspace.update({ where: { id: workspaceId }, data });
}
