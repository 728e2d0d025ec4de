import { ReasonSurvey } from "@/components/feedback/reason-survey";
import { ChannelSection } from "@/components/preferences/channel-section";
import { LanguageSwitcher } from "@/components/preferences/language-switcher";
import { SurfaceFields } from "@/components/preferences/surface-fields";
import { SecondaryButton } from "@/components/ui/card";
import { chooseAlternative, saveSurveyAnswer, stopEverything } from "@/lib/pages/preferences-actions";
import type { ContactPreferences } from "@/lib/consent/preference-store";
import { translator, type Locale } from "@/lib/platform/i18n";
import type { SurveyView } from "@/lib/pages/preferences-page";
import type { Surface } from "@/lib/pages/preferences-surface";
import type { PreferencesWording } from "@/lib/consent/wording";
import { reasonSurveyLabels } from "@/lib/pages/reason-labels";

export type PageQuery = (name: string) => string | undefined;

/** The preference page itself, shared by /p (our domain) and /embed/p (framed by a business's site). */
export function PreferencesView({
  state,
  surface,
  locale,
  query,
  survey,
  wording,
}: {
  state: ContactPreferences;
  surface: Surface;
  locale: Locale;
  query: PageQuery;
  survey: SurveyView | null;
  wording: PreferencesWording;
}) {
  const t = translator(locale);
  const sender = state.workspace.name;
  const { token, kind } = surface;
  const notice =
    query("stale") === "1"
      ? { tone: "warning", text: t("prefs.stale") }
      : query("error") === "invalid"
        ? { tone: "warning", text: t("prefs.invalid") }
        : query("stopped") === "all"
          ? { tone: "ok", text: t("prefs.stoppedAll", { sender }) }
          : query("alternative") === "done"
            ? { tone: "ok", text: t("prefs.alternativeDone") }
            : query("languageSaved") === "1"
              ? { tone: "ok", text: t("prefs.languageSaved") }
              : null;

  return (
    <div lang={locale}>
      <h1 className="text-3xl font-bold tracking-tight">{t("prefs.pageTitle")}</h1>
      <p className="mt-2 text-[var(--text)]">{t("prefs.intro", { sender })}</p>
      <LanguageSwitcher surface={surface} locale={locale} label={t("prefs.language")} saveLabel={t("prefs.saveLanguage")} />

      <div role="status" aria-live="polite" className="mt-4">
        {notice && <p className={`rounded-lg p-4 ${notice.tone === "ok" ? "bg-green-50 text-green-900" : "bg-amber-50 text-amber-950"}`}>{notice.text}</p>}
      </div>

      <div className="mt-4 grid gap-6">
        {state.channels.map((channel) => (
          <ChannelSection
            key={channel.channel}
            surface={surface}
            channel={channel}
            wording={wording.channels[channel.channel]}
            locale={locale}
            saved={query("saved") === channel.channel && !notice}
          >
            {survey?.channel === channel.channel && (
              <div className="mt-6 rounded-xl bg-[var(--page)] p-4" id="survey">
                <p role="status" className="font-medium">
                  {t("prefs.surveyDone", { scope: survey.label })}
                </p>
                {survey.reason === null ? (
                  <ReasonSurvey
                    action={saveSurveyAnswer.bind(null, token, kind, survey.eventId)}
                    labels={reasonSurveyLabels(t)}
                    invalid={query("reason") === "invalid"}
                    hidden={{ locale, ...(surface.parent ? { parent: surface.parent } : {}) }}
                  />
                ) : (
                  <>
                    <p className="mt-3 text-[var(--ok)]">{t("reason.thanks")}</p>
                    {survey.alternatives.choices.length > 0 && (
                      <div className="mt-3">
                        <p className="font-medium">{survey.alternatives.intro}</p>
                        <div className="mt-2 flex flex-wrap gap-2">
                          {survey.alternatives.choices.map((alternative) => (
                            <form key={alternative.id} action={chooseAlternative.bind(null, token, kind, survey.eventId, alternative.id)}>
                              <SurfaceFields surface={surface} locale={locale} />
                              <input type="hidden" name="channelVersion" value={alternative.seen.channel} />
                              {alternative.seen.topic !== undefined && <input type="hidden" name="topicVersion" value={alternative.seen.topic} />}
                              <SecondaryButton>{alternative.button}</SecondaryButton>
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

      <section
        aria-labelledby="stop-all-title"
        className="mt-6 rounded-[var(--brand-radius)] border border-[var(--border)] bg-[var(--surface)] p-5 shadow-sm sm:p-6"
      >
        <h2 id="stop-all-title" className="text-lg font-semibold">
          {wording.stopAll.title}
        </h2>
        <p className="mt-1 text-[var(--muted)]">{wording.stopAll.hint}</p>
        <form action={stopEverything.bind(null, token, kind)} className="mt-4">
          <SurfaceFields surface={surface} locale={locale} />
          <SecondaryButton>{wording.stopAll.button}</SecondaryButton>
        </form>
      </section>
    </div>
  );
}
