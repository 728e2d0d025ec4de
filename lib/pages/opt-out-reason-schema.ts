// zod/mini: this schema also runs in the browser (the reason survey's form), where every kilobyte of
// JavaScript is paid by people on phones.
import { z } from "zod/mini";

export const OPT_OUT_REASONS = ["too_frequent", "not_relevant", "never_signed_up", "prefer_other_channel", "privacy", "other"] as const;

/** The optional reason survey: one fixed reason, plus free text up to 1000 characters. */
export const optOutReasonSchema = z.object({
  reason: z.enum(OPT_OUT_REASONS),
  comment: z.pipe(
    // (No NUL: PostgreSQL's text refuses it.)
    z._default(
      z.string().check(
        z.trim(),
        z.maxLength(1000),
        z.refine((value) => !value.includes("\u0000"), "must not contain the NUL character (U+0000)"),
      ),
      "",
    ),
    z.transform((value: string) => (value === "" ? null : value)),
  ),
});

export type OptOutReasonInput = z.output<typeof optOutReasonSchema>;
