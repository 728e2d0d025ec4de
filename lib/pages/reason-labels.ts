import type { OPT_OUT_REASONS } from "@/lib/pages/opt-out-reason-schema";
import type { Translate } from "@/lib/platform/i18n";

/** The reason survey's wording, in the page's language. */
export type ReasonSurveyLabels = {
  question: string;
  reasons: Record<(typeof OPT_OUT_REASONS)[number], string>;
  comment: string;
  submit: string;
  invalid: string;
};

export function reasonSurveyLabels(t: Translate): ReasonSurveyLabels {
  return {
    question: t("reason.question"),
    reasons: {
      too_frequent: t("reason.too_frequent"),
      not_relevant: t("reason.not_relevant"),
      never_signed_up: t("reason.never_signed_up"),
      prefer_other_channel: t("reason.prefer_other_channel"),
      privacy: t("reason.privacy"),
      other: t("reason.other"),
    },
    comment: t("reason.comment"),
    submit: t("reason.submit"),
    invalid: t("reason.invalid"),
  };
}
