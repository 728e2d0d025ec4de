import { z } from "zod";

export const WEBHOOK_EVENT_TYPES = ["consent.changed"] as const;

/** Where consent events are delivered: https, or http://localhost while developing; no credentials in it. */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be an https URL" })
  .max(500)
  .refine((value) => {
    const url = new URL(value);
    return (url.protocol === "https:" || ["localhost", "127.0.0.1"].includes(url.hostname)) && !url.username && !url.password;
  }, "must be an https URL (http only for localhost), without a user or password");
