import { describe, expect, it } from "vitest";
import { openApiDocument } from "@/lib/api/openapi";

describe("the OpenAPI document", () => {
  const document = openApiDocument("https://prefs.example.com");

  it("is OpenAPI 3.1 and lists every /api/v1 route", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: "https://prefs.example.com/api/v1" }]);
    expect(Object.keys(document.paths).sort()).toEqual([
      "/audience",
      "/contacts",
      "/contacts/{id}",
      "/contacts/{id}/export",
      "/contacts/{id}/preferences",
      "/imports",
      "/imports/{id}",
      "/inbound/delivery/{workspaceId}",
      "/inbound/resend/{workspaceId}",
      "/links",
      "/links/batch",
      "/optin",
      "/sendability",
      "/sends",
      "/suppressions",
      "/workspace",
    ]);
  });

  it("describes bodies with the routes' own zod schemas", () => {
    const sendability = document.paths["/sendability"].post.requestBody.content["application/json"].schema as {
      properties: Record<string, { maxItems?: number; enum?: string[] }>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(sendability.required.sort()).toEqual(["channel", "contactIds"]);
    expect(sendability.properties.contactIds.maxItems).toBe(10_000);
    expect(sendability.properties.channel.enum).toEqual(["email", "sms", "whatsapp", "push"]);
    expect(sendability.additionalProperties).toBe(false);
    const sends = document.paths["/sends"].post.requestBody.content["application/json"].schema as { required: string[] };
    expect(sends.required.sort()).toEqual(["channel", "contactIds", "messageId"]);
    const workspace = document.paths["/workspace"].patch.requestBody.content["application/json"].schema as { properties: Record<string, object> };
    expect(Object.keys(workspace.properties).sort()).toEqual(["allowedEmbedOrigins", "branding", "sendLimits", "timeZone"]);
    const results = JSON.stringify(document.paths["/sendability"].post.responses["200"]);
    expect(results).toMatch(/frequency_capped/);
    expect(results).toMatch(/retryAfter/);
    const links = document.paths["/links"].post.requestBody.content["application/json"].schema as { required: string[] };
    expect(links.required.sort()).toEqual(["channel", "contactId"]);
    const batch = document.paths["/links/batch"].post.requestBody.content["application/json"].schema as {
      properties: Record<string, { maxItems?: number }>;
      required: string[];
    };
    expect(batch.required.sort()).toEqual(["channel", "contactIds"]);
    expect(batch.properties.contactIds.maxItems).toBe(10_000);
  });

  it("gives the streams their query parameters and formats, and the POSTs their Idempotency-Key", () => {
    const audience = document.paths["/audience"].get;
    expect(audience.parameters.map((p) => [p.name, p.required])).toEqual([
      ["channel", true],
      ["topic", false],
      ["format", false],
    ]);
    expect(Object.keys(audience.responses["200"].content).sort()).toEqual(["application/x-ndjson", "text/csv"]);
    expect(document.paths["/contacts"].post.parameters?.[0]).toMatchObject({ name: "Idempotency-Key", in: "header" });
    expect(document.paths["/contacts"].post.responses).toHaveProperty("429");
  });
});
