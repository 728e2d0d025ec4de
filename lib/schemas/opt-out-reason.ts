import { z } from "zod";

export const OPT_OUT_REASONS = ["too_frequent", "not_relevant", "never_signed_up", "prefer_other_channel", "privacy", "other"] as const;

/** The optional reason survey: one fixed reason, plus free text up to 1000 characters. */
export const optOutReasonSchema = z.object({
  reason: z.enum(OPT_OUT_REASONS),
  comment: z
    .string()
    .trim()
    .max(1000)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .default(null),
});

export type OptOutReasonInput = z.infer<typeof optOutReasonSchema>;
