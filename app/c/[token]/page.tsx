import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { BrandFrame } from "@/components/ui/brand-frame";
import { Card, PrimaryButton } from "@/components/ui/card";
import { confirmSubscription } from "@/lib/pages/confirm-action";
import { translator } from "@/lib/platform/i18n";
import { loadConfirmation } from "@/lib/pages/confirmation-page";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Confirm", robots: { index: false, follow: false }, referrer: "same-origin" };

// The double opt-in link. Opening it changes nothing; only the button confirms.
export default async function ConfirmPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ confirmed?: string }> }) {
  const [{ token }, { confirmed }, requestHeaders] = await Promise.all([params, searchParams, headers()]);
  const view = await loadConfirmation(token, requestHeaders.get("accept-language"));
  if (!view) notFound();
  const t = translator(view.locale);
  return (
    <BrandFrame branding={view.branding} sender={view.sender}>
      <main className="mx-auto max-w-xl" lang={view.locale}>
        <Card>
          {confirmed ? (
            <div role="status">
              <h1 className="text-2xl font-bold">{t("confirm.doneTitle")}</h1>
              <p className="mt-3">
                {t("confirm.doneBody", {
                  topics: confirmed
                    .split(",")
                    .filter((k) => /^[a-z0-9_-]+$/.test(k))
                    .join(", "),
                })}
              </p>
            </div>
          ) : Object.keys(view.pendingVersions).length === 0 ? (
            <p role="status">{t("confirm.nothingPending")}</p>
          ) : (
            <>
              <h1 className="text-2xl font-bold">{view.wording.question}</h1>
              <p className="mt-3 text-lg">{view.wording.topics}</p>
              <form action={confirmSubscription.bind(null, token)} className="mt-6">
                <input type="hidden" name="locale" value={view.locale} />
                {Object.entries(view.pendingVersions).map(([key, version]) => (
                  <input key={key} type="hidden" name={`topicVersion.${key}`} value={version} />
                ))}
                <PrimaryButton>{view.wording.button}</PrimaryButton>
              </form>
            </>
          )}
        </Card>
      </main>
    </BrandFrame>
  );
}
