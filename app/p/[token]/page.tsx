import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { ReasonSurvey } from "@/components/feedback/reason-survey";
import { ChannelSection } from "@/components/preferences/channel-section";
import { LanguageSwitcher } from "@/components/preferences/language-switcher";
import { Card, PageShell, SecondaryButton } from "@/components/ui/card";
import { chooseAlternative, saveSurveyAnswer, stopEverything } from "@/lib/actions/preferences";
import { translator } from "@/lib/i18n";
import { loadSurvey, pageLocale, resolvePreferencesLink } from "@/lib/preferences-page";
import { reasonSurveyLabels } from "@/lib/reason-labels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Preferences", robots: { index: false, follow: false }, referrer: "same-origin" };

type Props = { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

// The preference page: every enabled channel with its switch, its topics, how often and a pause; the
// language; stop everything. It only reads; every change is a form posting to a server action.
export default async function PreferencesPage({ params, searchParams }: Props) {
  const [{ token }, query, requestHeaders] = await Promise.all([params, searchParams, headers()]);
  const link = await resolvePreferencesLink(token);
  if (!link) notFound();
  const { state } = link;
  const one = (name: string) => (typeof query[name] === "string" ? (query[name] as string) : undefined);
  const locale = pageLocale(state, { lang: one("lang"), acceptLanguage: requestHeaders.get("accept-language") });
  const t = translator(locale);
  const sender = state.workspace.name;
  const survey = one("survey") ? await loadSurvey(state, one("survey")!, t, locale) : null;

  const notice =
    one("stale") === "1"
      ? { tone: "warning", text: t("prefs.stale") }
      : one("error") === "invalid"
        ? { tone: "warning", text: t("prefs.invalid") }
        : one("stopped") === "all"
          ? { tone: "ok", text: t("prefs.stoppedAll", { sender }) }
          : one("alternative") === "done"
            ? { tone: "ok", text: t("prefs.alternativeDone") }
            : one("languageSaved") === "1"
              ? { tone: "ok", text: t("prefs.languageSaved") }
              : null;

  return (
    <PageShell wide>
      <div lang={locale}>
        <p className="mb-2 text-sm font-medium text-slate-700">{sender}</p>
        <h1 className="text-3xl font-bold tracking-tight">{t("prefs.pageTitle")}</h1>
        <p className="mt-2 text-slate-800">{t("prefs.intro", { sender })}</p>
        <LanguageSwitcher token={token} locale={locale} label={t("prefs.language")} saveLabel={t("prefs.saveLanguage")} />

        <div role="status" aria-live="polite" className="mt-4">
          {notice && (
            <p className={`rounded-lg p-4 ${notice.tone === "ok" ? "bg-green-50 text-green-900" : "bg-amber-50 text-amber-950"}`}>{notice.text}</p>
          )}
        </div>

        <div className="mt-4 grid gap-6">
          {state.channels.map((channel) => (
            <ChannelSection key={channel.channel} token={token} channel={channel} locale={locale} saved={one("saved") === channel.channel && !notice}>
              {survey?.channel === channel.channel && (
                <div className="mt-6 rounded-xl bg-slate-50 p-4" id="survey">
                  <p role="status" className="font-medium text-slate-900">
                    {t("prefs.surveyDone", { scope: survey.label })}
                  </p>
                  {survey.reason === null ? (
                    <ReasonSurvey
                      action={saveSurveyAnswer.bind(null, token, survey.eventId)}
                      labels={reasonSurveyLabels(t)}
                      invalid={one("reason") === "invalid"}
                      hidden={{ locale }}
                    />
                  ) : (
                    <>
                      <p className="mt-3 text-green-900">{t("reason.thanks")}</p>
                      {survey.alternatives.length > 0 && (
                        <div className="mt-3">
                          <p className="font-medium">{t("prefs.alternativesIntro")}</p>
                          <div className="mt-2 flex flex-wrap gap-2">
                            {survey.alternatives.map((alternative) => (
                              <form key={alternative.id} action={chooseAlternative.bind(null, token, survey.eventId, alternative.id)}>
                                <input type="hidden" name="locale" value={locale} />
                                <SecondaryButton>{alternative.label}</SecondaryButton>
                              </form>
                            ))}
                          </div>
                        </div>
                      )}
                    </>
                  )}
                </div>
              )}
            </ChannelSection>
          ))}
        </div>

        <div className="mt-6" />
        <Card>
          <h2 className="text-lg font-semibold">{t("prefs.stopAll", { sender })}</h2>
          <p className="mt-1 text-slate-700">{t("prefs.stopAllHint")}</p>
          <form action={stopEverything.bind(null, token)} className="mt-4">
            <input type="hidden" name="locale" value={locale} />
            <SecondaryButton>{t("prefs.stopAll", { sender })}</SecondaryButton>
          </form>
        </Card>
      </div>
    </PageShell>
  );
}
