"use server";

import { z } from "zod";
import { ownerAction, ownerStateAction, type FormResult } from "@/lib/admin/owner-action";
import { apiKeyForm, channelsForm, embedSettingsForm, integrationsForm, newTopicForm, sendingForm, topicForm, webhookForm } from "@/lib/admin/settings-forms";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-key-store";
import { createTopic, moveTopic, retireTopic, updateTopic } from "@/lib/admin/topic-store";
import { setEnabledChannels, updateEmbedSettings, updateIntegrations, updateSendingSettings } from "@/lib/admin/workspace-store";
import { UserFacingError } from "@/lib/platform/errors";
import { retireSigningKey, rotateSigningKey } from "@/lib/links/signing-key-store";
import { boundBoolean, boundString, boundUuid } from "@/lib/platform/bound-arguments";
import { isUniqueViolation } from "@/lib/platform/db-errors";
import { noFields } from "@/lib/platform/form-schema";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/webhook-schema";
import { createWebhookEndpoint, replayDelivery, setWebhookEndpointEnabled } from "@/lib/webhooks/webhook-store";

// The dashboard's settings forms. Each states what the page binds to it and what its form posts; the
// wrapper (lib/admin/owner-action.ts) lets only an owner of the workspace through, and says why not.

export const createTopicAction = ownerAction({ bound: [], form: newTopicForm, saved: "topic" }, async ({ bound: [workspaceId], data }) => {
  try {
    await createTopic(workspaceId, { ...data, position: 1000 });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, message: `key: a topic "${data.key}" exists already` };
    throw error;
  }
});

export const updateTopicAction = ownerAction({ bound: [boundUuid], form: topicForm, saved: "topic" }, async ({ bound: [workspaceId, topicId], data }) => {
  await updateTopic(workspaceId, topicId, data);
});

export const saveChannelsAction = ownerAction({ bound: [], form: channelsForm, saved: "channels" }, async ({ bound: [workspaceId], data }) => {
  await setEnabledChannels(workspaceId, data);
});

export const retireTopicAction = ownerAction({ bound: [boundUuid], form: noFields, saved: "topic" }, async ({ bound: [workspaceId, topicId] }) => {
  await retireTopic(workspaceId, topicId);
});

export const moveTopicAction = ownerAction(
  { bound: [boundUuid, z.enum(["up", "down"])], form: noFields, saved: "topic" },
  async ({ bound: [workspaceId, topicId, direction] }) => {
    await moveTopic(workspaceId, topicId, direction);
  },
);

export const saveEmbedSettingsAction = ownerAction(
  { bound: [], form: embedSettingsForm, invalid: (issue) => issue.message, saved: "embed" },
  async ({ bound: [workspaceId], data }) => {
    await updateEmbedSettings(workspaceId, data);
  },
);

/** A secret shown once, in the answer: an API key (only its hash is kept) or a webhook endpoint's signing secret. */
export type CreatedSecret = FormResult<{ secret: string }>;

export const createWebhookAction = ownerStateAction(
  { bound: [], form: webhookForm, invalid: (issue) => `URL ${issue.message}` },
  async ({ bound: [workspaceId], data }): Promise<CreatedSecret> => {
    const { secret } = await createWebhookEndpoint(workspaceId, data, [...WEBHOOK_EVENT_TYPES]);
    return { ok: true, secret };
  },
);

export const setWebhookEnabledAction = ownerAction(
  { bound: [boundUuid, boundBoolean], form: noFields, saved: "webhooks" },
  async ({ bound: [workspaceId, endpointId, enabled] }) => {
    await setWebhookEndpointEnabled(workspaceId, endpointId, enabled);
  },
);

/** Sends a dead-lettered delivery of this workspace again, with a fresh set of attempts. */
export const replayDeliveryAction = ownerAction({ bound: [boundUuid], form: noFields, saved: "deliveries" }, async ({ bound: [workspaceId, deliveryId] }) => {
  if (!(await replayDelivery(workspaceId, deliveryId))) return { ok: false, message: "That delivery is not dead-lettered (any more); nothing to replay." };
});

export const createApiKeyAction = ownerStateAction(
  { bound: [], form: apiKeyForm, invalid: () => "Give the key a name and at least one scope." },
  async ({ bound: [workspaceId], data }): Promise<CreatedSecret> => {
    const { key } = await createApiKey(workspaceId, data.name, data.scopes);
    return { ok: true, secret: key };
  },
);

export const revokeApiKeyAction = ownerAction({ bound: [boundUuid], form: noFields, saved: "keys" }, async ({ bound: [workspaceId, apiKeyId] }) => {
  await revokeApiKey(workspaceId, apiKeyId);
});

export const rotateSigningKeyAction = ownerAction({ bound: [], form: noFields, saved: "signing" }, async ({ bound: [workspaceId] }) => {
  await rotateSigningKey(workspaceId);
});

export const retireSigningKeyAction = ownerAction({ bound: [boundString], form: noFields, saved: "signing" }, async ({ bound: [workspaceId, kid] }) => {
  if (!(await retireSigningKey(workspaceId, kid)))
    return { ok: false, message: "That key is not a previous key of this workspace (any more); nothing to retire." };
});

/** The inbound channels' credentials and the Resend sync: blank keeps, "clear" removes. */
export const saveIntegrationsAction = ownerAction(
  { bound: [], form: integrationsForm, saved: "integrations" },
  async ({ bound: [workspaceId], data: { clear, ...values } }) => {
    await updateIntegrations(workspaceId, values, clear);
  },
);

/** The workspace's time zone, frequency caps and quiet hours; a topic retired since the page rendered is the form's message. */
export const saveSendingAction = ownerAction({ bound: [], form: sendingForm, saved: "sending" }, async ({ bound: [workspaceId], data }) => {
  try {
    await updateSendingSettings(workspaceId, data);
  } catch (error) {
    if (error instanceof UserFacingError) return { ok: false, message: error.message };
    throw error;
  }
});
