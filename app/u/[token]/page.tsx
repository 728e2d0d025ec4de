import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { BrandFrame } from "@/components/ui/brand-frame";
import { Card, PrimaryButton, SecondaryButton } from "@/components/ui/card";
import { ReasonSurvey } from "@/components/feedback/reason-survey";
import { FreshLinkOffer } from "@/components/unsubscribe/fresh-link-offer";
import { confirmUnsubscribe, saveOptOutReason, undoUnsubscribe } from "@/lib/pages/unsubscribe-actions";
import { translator } from "@/lib/platform/i18n";
import { reasonSurveyLabels } from "@/lib/pages/reason-labels";
import { loadUnsubscribeView } from "@/lib/pages/unsubscribe-page";
import { userAgent } from "@/lib/platform/request-info";
import { noteVisit } from "@/lib/links/visits";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { robots: { index: false, follow: false }, referrer: "same-origin" };

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function StaleNotice({ text }: { text: string }) {
  return (
    <p role="status" className="mb-6 rounded-lg bg-amber-50 p-4 text-amber-950">
      {text}
    </p>
  );
}

// The link at the bottom of every email. Opening it (GET, HEAD) only renders: mail scanners open every
// link. The button posts a server action bound to this token.
export default async function UnsubscribePage({ params, searchParams }: Props) {
  const [{ token }, query, requestHeaders] = await Promise.all([params, searchParams, headers()]);
  const loaded = await loadUnsubscribeView(token, { acceptLanguage: requestHeaders.get("accept-language") });
  if (!loaded) notFound();
  const { claims, view } = loaded;
  noteVisit(claims, userAgent(requestHeaders));
  const t = translator(view.locale);
  const { confirm, undo } = view.wording;

  return (
    <BrandFrame branding={view.branding} sender={view.sender}>
      <main className="mx-auto max-w-xl" lang={view.locale}>
        <Card>
          {view.subscribed ? (
            <>
              {query.stale === "1" && <StaleNotice text={t("unsubscribe.stale")} />}
              {query.resubscribed === "1" && (
                <div role="status" className="mb-6 rounded-lg bg-green-50 p-4 text-green-900">
                  <h2 className="font-semibold">{t("unsubscribe.resubscribedTitle")}</h2>
                  <p>{t("unsubscribe.resubscribedBody", { scope: confirm.scope })}</p>
                </div>
              )}
              <h1 className="text-2xl font-bold">{confirm.question}</h1>
              <p className="mt-3 text-lg">{confirm.scope}</p>
              <p className="mt-1 text-[var(--muted)]">{confirm.kept}</p>
              <form action={confirmUnsubscribe.bind(null, token)} className="mt-6">
                <input type="hidden" name="locale" value={view.locale} />
                <PrimaryButton>{confirm.button}</PrimaryButton>
              </form>
            </>
          ) : (
            <>
              {query.stale === "1" && <StaleNotice text={t("unsubscribe.stale")} />}
              <div role="status">
                <h1 className="text-2xl font-bold">{undo.title}</h1>
                <p className="mt-3 text-lg">{undo.body}</p>
                {!view.current && <p className="mt-1 text-[var(--muted)]">{t("unsubscribe.noLongerSent", { sender: view.sender })}</p>}
              </div>
              {view.canUndo && (
                <form action={undoUnsubscribe.bind(null, token)} className="mt-4">
                  <input type="hidden" name="locale" value={view.locale} />
                  <input type="hidden" name="version" value={view.version} />
                  <SecondaryButton>{undo.button}</SecondaryButton>
                </form>
              )}
              {query.thanks === "1" || view.reasonGiven ? (
                <p role="status" className="mt-8 border-t border-[var(--border)] pt-6 text-[var(--ok)]">
                  {t("reason.thanks")}
                </p>
              ) : (
                view.canGiveReason && (
                  <ReasonSurvey action={saveOptOutReason.bind(null, token)} labels={reasonSurveyLabels(t)} invalid={query.reason === "invalid"} />
                )
              )}
            </>
          )}
          {view.preferencesPath ? (
            <p className="mt-8">
              <a href={view.preferencesPath} className="font-medium text-[var(--link)] underline underline-offset-2">
                {t("unsubscribe.managePreferences")}
              </a>
            </p>
          ) : (
            <FreshLinkOffer t={t} intro={t("unsubscribe.freshLink")} />
          )}
        </Card>
      </main>
    </BrandFrame>
  );
}
