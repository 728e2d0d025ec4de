import { embedSettingsSchema } from "@/lib/pages/branding";
import { sendLimitsSchema, timeZoneSchema } from "@/lib/contacts/send-limits";

/** PATCH /api/v1/workspace: what is not given stays as it is; `sendLimits` is replaced whole. */
export const workspaceSettingsSchema = embedSettingsSchema.extend({
  timeZone: timeZoneSchema.optional(),
  sendLimits: sendLimitsSchema.optional(),
});
