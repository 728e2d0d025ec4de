import type { ConsentEvidence } from "@/lib/consent/ledger-store";
import type { apiEvidenceSchema } from "@/lib/api/schemas/preferences";
import type { z } from "zod";
import { sha256Hex } from "@/lib/platform/sha256";

/** The evidence a business passed, as the ledger keeps it: the wording only as its SHA-256. */
export function apiEvidence(evidence: z.infer<typeof apiEvidenceSchema> = {}): ConsentEvidence {
  return {
    source: "api",
    ip: evidence.ip ?? null,
    userAgent: evidence.userAgent ?? null,
    locale: evidence.locale ?? null,
    messageId: evidence.messageId ?? null,
    wordingHash: evidence.wording ? sha256Hex(evidence.wording) : null,
  };
}
