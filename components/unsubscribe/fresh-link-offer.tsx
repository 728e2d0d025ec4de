import { FreshLinkForm } from "@/components/unsubscribe/fresh-link-form";
import { isEmailConfigured } from "@/lib/platform/email";
import type { Translate } from "@/lib/platform/i18n";

/** "Email me a fresh link", where email is set up: for a link no longer valid, or too old to add consent. */
export function FreshLinkOffer({ t, intro }: { t: Translate; intro: string }) {
  if (!isEmailConfigured()) return null;
  return (
    <FreshLinkForm
      labels={{
        intro,
        label: t("fresh.label"),
        submit: t("fresh.submit"),
        sent: t("fresh.sent"),
        invalidEmail: t("fresh.invalidEmail"),
        tooMany: t("fresh.tooMany"),
      }}
    />
  );
}
