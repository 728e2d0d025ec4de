import "server-only";
import { randomBytes } from "node:crypto";
import { GENESIS_HASH } from "@/lib/consent/chain";
import { db } from "@/lib/platform/db";
import { syncConsentDefaults } from "@/lib/consent/defaults-store";
import { assertTopicOnChannel } from "@/lib/consent/scope";
import type { Channel } from "@/lib/generated/prisma/enums";
import type { Workspace } from "@/lib/generated/prisma/client";
import { readBranding, type Branding } from "@/lib/pages/branding";
import { readSendLimits, type SendLimits } from "@/lib/contacts/send-limits";

export type NewWorkspace = {
  slug: string;
  name: string;
  defaultLocale?: string;
  enabledChannels: Channel[];
};

const withBranding = (workspace: Workspace) => ({ ...workspace, branding: readBranding(workspace.branding) });

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
    return withBranding(workspace);
  });
}

export async function findWorkspaceBySlug(slug: string) {
  const workspace = await db().workspace.findUnique({ where: { slug } });
  return workspace && withBranding(workspace);
}

export type EmbedSettings = { allowedEmbedOrigins: string[]; branding: Branding };

export async function getEmbedSettings(workspaceId: string): Promise<EmbedSettings | null> {
  const workspace = await db().workspace.findUnique({ where: { id: workspaceId }, select: { allowedEmbedOrigins: true, branding: true } });
  return workspace ? { allowedEmbedOrigins: workspace.allowedEmbedOrigins, branding: readBranding(workspace.branding) } : null;
}

/** Saves already-validated settings (lib/pages/branding.ts); what is not given stays as it is. */
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

export type SendingSettings = { timeZone: string; sendLimits: SendLimits };

export async function getSendingSettings(workspaceId: string): Promise<SendingSettings> {
  const workspace = await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { timeZone: true, sendLimits: true } });
  return { timeZone: workspace.timeZone, sendLimits: readSendLimits(workspace.sendLimits) };
}

/**
 * Saves already-validated settings (lib/contacts/send-limits.ts); what is not given stays as it is. A cap
 * naming a topic this workspace has not (or no longer live, or not on that channel) is a 4xx.
 */
export async function updateSendingSettings(workspaceId: string, settings: Partial<SendingSettings>): Promise<SendingSettings> {
  if (settings.sendLimits) await assertCapTopics(workspaceId, settings.sendLimits);
  const workspace = await db().workspace.update({
    where: { id: workspaceId },
    data: {
      ...(settings.timeZone ? { timeZone: settings.timeZone } : {}),
      ...(settings.sendLimits ? { sendLimits: settings.sendLimits } : {}),
    },
    select: { timeZone: true, sendLimits: true },
  });
  return { timeZone: workspace.timeZone, sendLimits: readSendLimits(workspace.sendLimits) };
}

async function assertCapTopics(workspaceId: string, limits: SendLimits) {
  const keys = [...new Set(limits.frequencyCaps.flatMap((cap) => (cap.topic ? [cap.topic] : [])))];
  if (keys.length === 0) return;
  const topics = await db().topic.findMany({ where: { workspaceId, key: { in: keys }, retiredAt: null }, select: { key: true, channels: true } });
  for (const cap of limits.frequencyCaps) {
    if (cap.topic) assertTopicOnChannel(cap.topic, topics.find((topic) => topic.key === cap.topic) ?? null, cap.channel);
  }
}

const INTEGRATION_COLUMNS = [
  "twilioAuthToken",
  "twilioAccountSid",
  "twilioSender",
  "whatsappAppSecret",
  "whatsappVerifyToken",
  "whatsappAccessToken",
  "whatsappPhoneNumberId",
  "whatsappDisplayNumber",
  "resendWebhookSecret",
  "deliveryWebhookSecret",
  "resendApiKey",
  "resendAudienceId",
] as const;
type IntegrationColumn = (typeof INTEGRATION_COLUMNS)[number];

/** Which integration settings are set, never the secrets' values (the ids and numbers are not secret: `shown`). */
export async function getIntegrationStatus(workspaceId: string) {
  const row = await db().workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: Object.fromEntries(INTEGRATION_COLUMNS.map((c) => [c, true])) as Record<IntegrationColumn, true>,
  });
  const shown: Partial<Record<IntegrationColumn, string | null>> = {
    twilioAccountSid: row.twilioAccountSid,
    twilioSender: row.twilioSender,
    whatsappPhoneNumberId: row.whatsappPhoneNumberId,
    whatsappDisplayNumber: row.whatsappDisplayNumber,
    resendAudienceId: row.resendAudienceId,
  };
  return {
    set: Object.fromEntries(INTEGRATION_COLUMNS.map((column) => [column, row[column] !== null])) as Record<IntegrationColumn, boolean>,
    shown,
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

/** A channel enabled (again) is on by default only for the contacts created from now on. */
export async function setEnabledChannels(workspaceId: string, channels: Channel[]) {
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: workspaceId }, data: { enabledChannels: channels } });
    await syncConsentDefaults(tx, workspaceId);
  });
}

export async function getEnabledChannels(workspaceId: string): Promise<Channel[]> {
  return (await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { enabledChannels: true } })).enabledChannels;
}
