import { z } from "zod";
import { linkBatchRequestSchema, linkRequestSchema } from "@/lib/api/schemas/links";
import { contactListQuerySchema, contactUpsertSchema } from "@/lib/api/schemas/contacts";
import { optinRequestSchema } from "@/lib/api/schemas/optin";
import { preferencesPatchSchema } from "@/lib/api/schemas/preferences";
import { sendabilityRequestSchema } from "@/lib/api/schemas/sendability";
import { sendsRequestSchema } from "@/lib/api/schemas/sends";
import { streamQuerySchema } from "@/lib/api/schemas/streams";
import { workspaceSettingsSchema } from "@/lib/api/schemas/workspace";
import { LIMIT_REASONS } from "@/lib/contacts/send-limits";
import { genericDeliverySchema } from "@/lib/inbound/delivery-schema";
import { CSV_COLUMNS, importRowSchema } from "@/lib/contacts/import-rows";

// The OpenAPI 3.1 document of /api/v1, built from the very zod schemas the routes validate with
// (zod's own JSON Schema output, which is OpenAPI 3.1's dialect): it cannot drift from the code.

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

const errors = {
  "400": { description: "The request is not valid; the message names the field.", content: { "application/json": { schema: errorSchema } } },
  "401": { description: "No valid API key.", content: { "application/json": { schema: errorSchema } } },
  "403": { description: "The key lacks the scope, or names another workspace.", content: { "application/json": { schema: errorSchema } } },
  "404": { description: "Unknown contact or topic (in this workspace).", content: { "application/json": { schema: errorSchema } } },
  "429": { description: "Beyond the key's requests per minute; see Retry-After.", content: { "application/json": { schema: errorSchema } } },
  "503": { description: "The database is briefly unavailable; see Retry-After.", content: { "application/json": { schema: errorSchema } } },
};

const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: json(schema) } } });
const ok = (description: string) => ({ description, content: { "application/json": { schema: { type: "object" } } } });
const idempotent = {
  parameters: [
    {
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Any unique string (a UUID): a repeat within 24 hours gets the first answer back (Idempotent-Replayed: true) instead of running again.",
      schema: { type: "string", maxLength: 255 },
    },
  ],
};
const idempotencyErrors = {
  "409": {
    description: "A request with this Idempotency-Key is still running (or a conflict the message names).",
    content: { "application/json": { schema: errorSchema } },
  },
  "422": {
    description: "The Idempotency-Key was used with another request, or a channel/topic outside the workspace.",
    content: { "application/json": { schema: errorSchema } },
  },
};

/** A GET's query parameters, from the zod schema that validates them. */
function queryParameters(schema: z.ZodObject) {
  const { properties = {}, required = [] } = json(schema) as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({ name, in: "query", required: required.includes(name), schema: property }));
}

const stream = (summary: string, row: string) => ({
  summary,
  parameters: queryParameters(streamQuerySchema),
  responses: {
    "200": {
      description: `${row}, one per line; streamed, so any size comes back in constant memory.`,
      content: { "application/x-ndjson": { schema: { type: "string" } }, "text/csv": { schema: { type: "string" } } },
    },
    ...errors,
  },
});

const contactId = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };

const SENDABILITY_REASONS =
  "unknown_contact, no_address, suppressed, bounced, channel_opt_out, topic_opt_out, pending_confirmation, complained, no_consent, paused";

const sendabilityResults = {
  type: "object",
  required: ["results"],
  properties: {
    results: {
      type: "array",
      items: {
        type: "object",
        required: ["contactId", "sendable"],
        properties: {
          contactId: { type: "string", format: "uuid" },
          sendable: { type: "boolean" },
          reason: {
            type: "string",
            description: `When not sendable: the first consent reason that applies (${SENDABILITY_REASONS}), else ${LIMIT_REASONS.join(" or ")} for a marketing send.`,
          },
          retryAfter: {
            type: "string",
            format: "date-time",
            description: `With ${LIMIT_REASONS.join(" and ")}: when sending would be allowed (the cap lifts; quiet hours end in the contact's time zone).`,
          },
        },
      },
    },
  },
};

/** A delivery-event webhook: signed instead of an API key, at /api/inbound rather than /api/v1. */
const deliveryWebhook = (serverUrl: string, summary: string, signature: string, requestBody: object) => ({
  servers: [{ url: `${serverUrl}/api` }],
  post: {
    summary,
    security: [],
    parameters: [
      { name: "workspaceId", in: "path", required: true, schema: { type: "string", format: "uuid" } },
      ...signature.split(" ").map((name) => ({ name, in: "header", required: true, schema: { type: "string" } })),
    ],
    requestBody,
    responses: {
      "200": ok('`{results: [{outcome: "suppressed" | "opted_out" | "recorded" | "replayed" | "unknown_contact"}]}`, one per address in order'),
      "400": errors["400"],
      "401": {
        description: "The signature does not match with the workspace's secret, or its timestamp is more than 5 minutes off; nothing written.",
        content: { "application/json": { schema: errorSchema } },
      },
      "404": { description: "No such workspace, or its secret for this webhook is not set.", content: { "application/json": { schema: errorSchema } } },
      "503": {
        description: "The database is briefly unavailable, or SUPPRESSION_KEY is not set for a bounce to suppress.",
        content: { "application/json": { schema: errorSchema } },
      },
    },
  },
});

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Preference center API",
      version: "1",
      description: "Consent, links and sendability for your sending systems. Authenticate with `Authorization: Bearer <API key>`.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key (pck_…)" } } },
    security: [{ apiKey: [] }],
    paths: {
      "/links": {
        post: {
          ...idempotent,
          summary: "Links and List-Unsubscribe headers for one message",
          requestBody: body(linkRequestSchema),
          responses: { "200": ok("The three URLs and two headers"), ...errors },
        },
      },
      "/links/batch": {
        post: {
          summary: "Links and List-Unsubscribe headers for one message to each of up to 10,000 contacts",
          description:
            "One entry per contact id, in the order given: the single route's URLs and headers with its `contactId`, or `{contactId, error: {code, message}}` for an id that is no contact of this workspace (or an erased one), with the single route's code (`contact_not_found`). A repeated id gets links of its own. Counts one request and one item per contact id against the key's item budget (`item_rate_limit_per_minute`, 300,000 by default), spent only once the channel and topic are known to be right: a refused batch costs no items. Takes no Idempotency-Key (400 `idempotency_not_supported`): a retry mints fresh links, each as valid.",
          parameters: [
            {
              name: "Accept",
              in: "header",
              required: false,
              description: "`application/x-ndjson` for one entry per line instead of one JSON object.",
              schema: { type: "string" },
            },
          ],
          requestBody: body(linkBatchRequestSchema),
          responses: {
            "200": {
              description: "`{links: [entry, …]}` in the order given; as NDJSON, one entry per line",
              content: { "application/json": { schema: { type: "object" } }, "application/x-ndjson": { schema: { type: "string" } } },
            },
            ...errors,
            "422": {
              description:
                "A channel the workspace has not enabled or a topic not sent on it (`invalid_scope`), or more contacts than the key's whole item budget (`batch_over_budget`).",
              content: { "application/json": { schema: errorSchema } },
            },
            "429": {
              description: "Beyond the key's requests or items (contacts named in batches) per minute; see Retry-After. A refused batch costs no items.",
              content: { "application/json": { schema: errorSchema } },
            },
          },
        },
      },
      "/contacts": {
        post: {
          ...idempotent,
          summary: "Create or update a contact, with subscriptions and consent evidence",
          requestBody: body(contactUpsertSchema),
          responses: { "200": ok("Updated"), "201": ok("Created"), ...idempotencyErrors, ...errors },
        },
        get: {
          summary: "List contacts, a page at a time",
          parameters: queryParameters(contactListQuerySchema),
          responses: { "200": ok("A page of contacts and nextCursor"), ...errors },
        },
      },
      "/contacts/{id}": {
        get: { summary: "A contact and its preferences", parameters: [contactId], responses: { "200": ok("The contact"), ...errors } },
        delete: {
          summary: "Erase a contact (GDPR / LGPD); its addresses stay suppressed",
          parameters: [contactId],
          responses: { "204": { description: "Erased" }, ...errors },
        },
      },
      "/contacts/{id}/preferences": {
        get: {
          summary: "Every channel's switch and every topic's status",
          parameters: [contactId],
          responses: { "200": ok("The preferences document"), ...errors },
        },
        patch: {
          summary: "Change preferences with versions and consent evidence",
          parameters: [contactId],
          requestBody: body(preferencesPatchSchema),
          responses: {
            "200": ok("The new preferences"),
            "409": { description: "A stale version; nothing changed", content: { "application/json": { schema: errorSchema } } },
            ...errors,
          },
        },
      },
      "/contacts/{id}/export": {
        get: { summary: "Everything held about the person, the ledger included", parameters: [contactId], responses: { "200": ok("The export"), ...errors } },
      },
      "/imports": {
        post: {
          ...idempotent,
          summary: "Import contacts with their subscriptions and consent evidence from a CSV or NDJSON file of any size",
          requestBody: {
            required: true,
            content: {
              "application/x-ndjson": {
                schema: { type: "string", description: "One JSON object a line, each as `itemSchema` says" },
                itemSchema: json(importRowSchema),
              },
              "text/csv": {
                schema: {
                  type: "string",
                  description: `A header naming some of ${CSV_COLUMNS.join(", ")}; one contact a row; subscriptions as channel or channel:topic separated by ;`,
                },
              },
            },
          },
          responses: {
            "202": ok("The file is staged: `id`, to follow with GET /imports/{id}"),
            "413": {
              description: "A row longer than 65,536 characters, or more than 5,000,000 rows: nothing imported",
              content: { "application/json": { schema: errorSchema } },
            },
            "415": { description: "Not text/csv or application/x-ndjson", content: { "application/json": { schema: errorSchema } } },
            ...idempotencyErrors,
            ...errors,
          },
        },
      },
      "/imports/{id}": {
        get: {
          summary:
            "An import's status (staged, processing, done or failed, with `failure` saying where and why), counts (rows read, created, updated, unchanged, rejected) and first 1,000 rejections by line",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": ok("The import's report"), ...errors },
        },
      },
      "/sendability": {
        post: {
          ...idempotent,
          summary: "May I send? For up to 10,000 contacts, with the reason for each no",
          requestBody: body(sendabilityRequestSchema),
          responses: {
            "200": { description: "One result per contact, in order", content: { "application/json": { schema: sendabilityResults } } },
            ...errors,
          },
        },
      },
      "/sends": {
        post: {
          ...idempotent,
          summary: "Log a message sent to up to 10,000 contacts (what frequency caps count)",
          requestBody: body(sendsRequestSchema),
          responses: { "200": ok("`recorded` (contacts logged) and `unknownContactIds` (not live contacts here, logged for no one)"), ...errors },
        },
      },
      "/optin": {
        post: {
          ...idempotent,
          summary: "Double opt-in by email (default), SMS or WhatsApp: the topics wait in pending until the person confirms",
          requestBody: body(optinRequestSchema),
          responses: {
            "202": ok(
              "The topics now pending; the confirmation email or text was sent (WhatsApp: `chatUrl`, the click-to-chat link whose prefilled keyword confirms)",
            ),
            "200": ok("A confirmation went to this contact on this channel in the last 24 hours: `alreadySent`, nothing sent or changed"),
            ...idempotencyErrors,
            ...errors,
            "409": {
              description:
                "The address must not be messaged on the channel (code `suppressed`, `bounced` or `channel_opt_out`), or an Idempotency-Key still running.",
              content: { "application/json": { schema: errorSchema } },
            },
            "422": {
              description:
                "The contact has no address on the channel (`no_address`), or the workspace lacks its Twilio or WhatsApp settings (`sms_not_configured`, `whatsapp_not_configured`); nothing written.",
              content: { "application/json": { schema: errorSchema } },
            },
            "429": {
              description: "Beyond the key's requests per minute, or the workspace's confirmations per day on the channel; see Retry-After.",
              content: { "application/json": { schema: errorSchema } },
            },
            "502": {
              description: "Twilio did not take the confirmation text (`sms_not_sent`); the topics stay pending and asking again sends one.",
              content: { "application/json": { schema: errorSchema } },
            },
          },
        },
      },
      "/audience": {
        get: stream(
          "Everyone who may be sent the topic on the channel now (not frequency-capped, not in quiet hours), with the address to use",
          "{contactId, externalId, address, locale}",
        ),
      },
      "/suppressions": {
        get: stream(
          "Everyone who must not be sent to on the channel (and topic): opt-outs, complaints, suppressed and bounced addresses, hashes of erased or unknown ones",
          "{reason: channel_opt_out | topic_opt_out | suppressed | bounced | complained, contactId, address, addressHash, since}",
        ),
      },
      "/inbound/resend/{workspaceId}": deliveryWebhook(
        serverUrl,
        "Resend's email.bounced and email.complained webhook events (Svix-signed with the workspace's Resend webhook secret)",
        "svix-id svix-timestamp svix-signature",
        {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", description: "Resend's webhook event: {type, created_at, data: {email_id, to, bounce?: {type}, tags?}}" },
            },
          },
        },
      ),
      "/inbound/delivery/{workspaceId}": deliveryWebhook(
        serverUrl,
        "Bounces and complaints from any sender: one event or {events: [...]} (Standard Webhooks signature with the workspace's delivery-event secret)",
        "webhook-id webhook-timestamp webhook-signature",
        body(genericDeliverySchema),
      ),
      "/workspace": {
        get: { summary: "Embed settings, time zone and send limits", responses: { "200": ok("Allowed origins, branding, timeZone, sendLimits"), ...errors } },
        patch: {
          summary: "Allowed embed origins, branding, the time zone and send limits (frequency caps, quiet hours)",
          requestBody: body(workspaceSettingsSchema),
          responses: { "200": ok("The saved settings"), ...errors },
        },
      },
    },
  };
}
