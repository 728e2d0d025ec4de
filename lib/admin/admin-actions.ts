"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { boundBoolean, boundString, boundUuid } from "@/lib/platform/bound-arguments";
import { assertMember } from "@/lib/admin/auth";
import { setEnabledChannels } from "@/lib/admin/workspace-store";
import { moveTopic, retireTopic, updateTopic } from "@/lib/admin/topic-store";
import { CHANNELS } from "@/lib/consent/channels";
import { retireSigningKey, rotateSigningKey } from "@/lib/links/signing-key-store";
import { replayDelivery } from "@/lib/webhooks/webhook-store";
import { updateEmbedSettings, updateIntegrations } from "@/lib/admin/workspace-store";
import { createWebhookEndpoint, setWebhookEndpointEnabled } from "@/lib/webhooks/webhook-store";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-key-store";
import { createTopic } from "@/lib/admin/topic-store";
import { UserFacingError } from "@/lib/platform/errors";
import { isUniqueViolation } from "@/lib/platform/db-errors";
import { brandingSchema, embedOriginsSchema } from "@/lib/pages/branding";
import { INTEGRATION_FIELDS, integrationsFormSchema, type IntegrationField } from "@/lib/admin/integrations-schema";
import { topicFormSchema } from "@/lib/admin/topic-schema";
import { WEBHOOK_EVENT_TYPES, webhookUrlSchema } from "@/lib/webhooks/webhook-schema";

// The dashboard's settings forms. Each checks, itself and first, that the signed-in admin is an owner
// of the workspace named; a viewer's post changes nothing and says why.

const settingsUrl = (workspaceId: string, query: string) => `/admin/${workspaceId}/settings?${query}`;

async function asOwner(workspaceId: string): Promise<void> {
  try {
    await assertMember(workspaceId, "owner");
  } catch (error) {
    // A viewer is told; a stranger to the workspace lands on its settings page, which does not exist for them.
    if (error instanceof UserFacingError) redirect(settingsUrl(workspaceId, error.status === 403 ? "error=forbidden" : ""));
    throw error;
  }
}

function topicFields(form: FormData) {
  return {
    key: form.get("key"),
    names: { en: form.get("name.en"), es: form.get("name.es"), "pt-BR": form.get("name.pt-BR"), it: form.get("name.it") },
    descriptions: { en: form.get("description.en"), es: form.get("description.es"), "pt-BR": form.get("description.pt-BR"), it: form.get("description.it") },
    channels: form.getAll("channels"),
    requiresOptIn: form.get("requiresOptIn") === "on",
  };
}

function invalid(workspaceId: string, error: z.ZodError): never {
  const issue = error.issues[0];
  redirect(settingsUrl(workspaceId, `error=${encodeURIComponent(`${issue.path.join(".")}: ${issue.message}`)}`));
}

export async function createTopicAction(workspaceId: string, form: FormData) {
  await asOwner(workspaceId);
  const parsed = topicFormSchema.safeParse(topicFields(form));
  if (!parsed.success) invalid(workspaceId, parsed.error);
  try {
    await createTopic(workspaceId, { ...parsed.data, position: 1000 });
  } catch (error) {
    if (isUniqueViolation(error)) redirect(settingsUrl(workspaceId, "error=" + encodeURIComponent(`key: a topic "${parsed.data.key}" exists already`)));
    throw error;
  }
  redirect(settingsUrl(workspaceId, "saved=topic"));
}

export async function updateTopicAction(workspaceId: string, topicId: string, form: FormData) {
  await asOwner(workspaceId);
  const id = boundUuid(topicId);
  const parsed = topicFormSchema.omit({ key: true }).safeParse(topicFields(form));
  if (!parsed.success) invalid(workspaceId, parsed.error);
  await updateTopic(workspaceId, id, parsed.data);
  redirect(settingsUrl(workspaceId, "saved=topic"));
}

export async function saveChannelsAction(workspaceId: string, form: FormData) {
  await asOwner(workspaceId);
  const parsed = z.array(z.enum(CHANNELS)).min(1, "keep at least one channel").safeParse(form.getAll("channels"));
  if (!parsed.success) invalid(workspaceId, parsed.error);
  await setEnabledChannels(workspaceId, parsed.data);
  redirect(settingsUrl(workspaceId, "saved=channels"));
}

export async function retireTopicAction(workspaceId: string, topicId: string) {
  await asOwner(workspaceId);
  await retireTopic(workspaceId, boundUuid(topicId));
  redirect(settingsUrl(workspaceId, "saved=topic"));
}

export async function moveTopicAction(workspaceId: string, topicId: string, direction: "up" | "down") {
  await asOwner(workspaceId);
  await moveTopic(workspaceId, boundUuid(topicId), direction === "up" ? "up" : "down");
  redirect(settingsUrl(workspaceId, "saved=topic"));
}

export async function saveEmbedSettingsAction(workspaceId: string, form: FormData) {
  await asOwner(workspaceId);
  const origins = embedOriginsSchema.safeParse(
    String(form.get("origins") ?? "")
      .split(/\s+/)
      .filter(Boolean),
  );
  const branding = brandingSchema.safeParse({
    primaryColor: form.get("primaryColor"),
    accentColor: form.get("accentColor"),
    font: form.get("font"),
    radius: Number(form.get("radius")),
    theme: form.get("theme"),
    ...(form.get("logoUrl") ? { logoUrl: form.get("logoUrl") } : {}),
  });
  const failure = !origins.success ? origins.error : !branding.success ? branding.error : null;
  if (failure) redirect(settingsUrl(workspaceId, `error=${encodeURIComponent(failure.issues[0].message)}`));
  await updateEmbedSettings(workspaceId, { allowedEmbedOrigins: origins.data, branding: branding.data });
  redirect(settingsUrl(workspaceId, "saved=embed"));
}

export type CreatedKey = { key?: string; error?: string } | null;

/** For the forms that answer in place: why this admin may not make the change, or null if they may. */
async function ownerRefusal(workspaceId: string): Promise<CreatedKey> {
  try {
    await assertMember(workspaceId, "owner");
    return null;
  } catch (error) {
    if (error instanceof UserFacingError) return { error: error.message };
    throw error;
  }
}

/** Shows the new endpoint's signing secret once. */
export async function createWebhookAction(workspaceId: string, _previous: CreatedKey, form: FormData): Promise<CreatedKey> {
  const refused = await ownerRefusal(workspaceId);
  if (refused) return refused;
  const url = webhookUrlSchema.safeParse(String(form.get("url") ?? "").trim());
  if (!url.success) return { error: `URL ${url.error.issues[0].message}` };
  const { secret } = await createWebhookEndpoint(workspaceId, url.data, [...WEBHOOK_EVENT_TYPES]);
  return { key: secret };
}

export async function setWebhookEnabledAction(workspaceId: string, endpointId: string, enabled: boolean) {
  await asOwner(workspaceId);
  await setWebhookEndpointEnabled(workspaceId, boundUuid(endpointId), boundBoolean(enabled));
  redirect(settingsUrl(workspaceId, "saved=webhooks"));
}

/** Sends a dead-lettered delivery of this workspace again, with a fresh set of attempts. */
export async function replayDeliveryAction(workspaceId: string, deliveryId: string) {
  await asOwner(workspaceId);
  const id = z.uuid().safeParse(deliveryId);
  const replayed = id.success && (await replayDelivery(workspaceId, id.data));
  redirect(settingsUrl(workspaceId, replayed ? "saved=deliveries" : `error=${encodeURIComponent("That delivery is not dead-lettered (any more); nothing to replay.")}`));
}

/** Shows the new key once, in the answer; only its hash is kept. */
export async function createApiKeyAction(workspaceId: string, _previous: CreatedKey, form: FormData): Promise<CreatedKey> {
  const refused = await ownerRefusal(workspaceId);
  if (refused) return refused;
  const name = z.string().trim().min(1).max(80).safeParse(form.get("name"));
  const scopes = z.array(z.enum(["read", "write"])).min(1).safeParse(form.getAll("scopes"));
  if (!name.success || !scopes.success) return { error: "Give the key a name and at least one scope." };
  const { key } = await createApiKey(workspaceId, name.data, scopes.data);
  return { key };
}

export async function revokeApiKeyAction(workspaceId: string, apiKeyId: string) {
  await asOwner(workspaceId);
  await revokeApiKey(workspaceId, boundUuid(apiKeyId));
  redirect(settingsUrl(workspaceId, "saved=keys"));
}

export async function rotateSigningKeyAction(workspaceId: string) {
  await asOwner(workspaceId);
  await rotateSigningKey(workspaceId);
  redirect(settingsUrl(workspaceId, "saved=signing"));
}

export async function retireSigningKeyAction(workspaceId: string, kid: string) {
  await asOwner(workspaceId);
  const retired = await retireSigningKey(workspaceId, boundString(kid));
  redirect(settingsUrl(workspaceId, retired ? "saved=signing" : `error=${encodeURIComponent("That key is not a previous key of this workspace (any more); nothing to retire.")}`));
}

/** The inbound channels' credentials and the Resend sync: blank keeps, "clear" removes. */
export async function saveIntegrationsAction(workspaceId: string, form: FormData) {
  await asOwner(workspaceId);
  const fields = Object.keys(INTEGRATION_FIELDS) as IntegrationField[];
  const parsed = integrationsFormSchema.safeParse(Object.fromEntries(fields.map((field) => [field, String(form.get(field) ?? "")])));
  if (!parsed.success) invalid(workspaceId, parsed.error);
  const clear = form.getAll("clear").filter((value): value is IntegrationField => fields.includes(value as IntegrationField));
  await updateIntegrations(workspaceId, parsed.data, clear);
  redirect(settingsUrl(workspaceId, "saved=integrations"));
}
