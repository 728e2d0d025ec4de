import { headers } from "next/headers";
import { Card, PageShell } from "@/components/ui/card";
import { FreshLinkOffer } from "@/components/unsubscribe/fresh-link-offer";
import { resolveLocale, translator } from "@/lib/platform/i18n";

/** The one answer to every bad link: forged, tampered, expired, retired key, unknown contact, other workspace. */
export async function InvalidLink() {
  const locale = resolveLocale({ acceptLanguage: (await headers()).get("accept-language") });
  const t = translator(locale);
  return (
    <PageShell>
      <div lang={locale}>
        <Card>
          <h1 className="text-2xl font-bold">{t("invalid.title")}</h1>
          <p className="mt-3 text-slate-800">{t("invalid.body")}</p>
          <FreshLinkOffer t={t} intro={t("invalid.freshLink")} />
        </Card>
      </div>
    </PageShell>
  );
}
