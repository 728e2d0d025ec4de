import { z } from "zod";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "@/lib/platform/db-errors";
import { RetryLaterError, UserFacingError } from "@/lib/platform/errors";

// The one error shape of the business API: {"error": {"code", "message", "details"}}.

export function apiError(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  return Response.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, { status, headers });
}

/** Every answer of the API is a JSON object; lib/api/idempotency-store.ts keeps some, to replay them. */
export const apiAnswerSchema = z.record(z.string(), z.json());

export type ApiAnswer = z.infer<typeof apiAnswerSchema>;

export function noStoreJson(body: unknown, status = 200) {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export function validationError(error: z.ZodError) {
  const details = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = details[0];
  return apiError(400, "invalid_request", first ? `${first.path || "body"}: ${first.message}` : "The request is not valid.", details);
}

/** Turns any thrown error into an answer: deliberate ones as they are, the database down as 503, the rest as 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof RetryLaterError) {
    return apiError(error.status, error.code, error.message, error.details, { "Retry-After": String(error.retryAfterSeconds) });
  }
  if (error instanceof UserFacingError) return apiError(error.status, error.code, error.message, error.details);
  if (error instanceof z.ZodError) return validationError(error);
  if (isDatabaseUnavailable(error)) {
    return apiError(503, "unavailable", "The service is briefly unavailable; try again shortly.", undefined, {
      "Retry-After": String(RETRY_AFTER_SECONDS),
    });
  }
  console.error("unexpected error", error instanceof Error ? error.stack : error);
  return apiError(500, "internal_error", "Something went wrong on our side.");
}

/** Anything that is not a JSON object is a clear 400 (415 without a JSON Content-Type). */
export function parseJsonObject(contentType: string | null, text: string): Record<string, unknown> {
  if (!/^application\/(.+\+)?json\b/i.test(contentType ?? "")) {
    throw new UserFacingError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.", 415);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UserFacingError("invalid_json", "The body is not valid JSON.", 400);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new UserFacingError("invalid_request", "The body must be a JSON object.", 400);
  }
  return body as Record<string, unknown>;
}

export function contactNotFound() {
  return apiError(404, "contact_not_found", "There is no contact with this id in this workspace.");
}
