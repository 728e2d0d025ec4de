import { Card, PrimaryButton } from "@/components/ui/card";
import { ADDRESS_FIELD, HONEYPOT_FIELD, signupFormPath, topicsField } from "@/lib/forms/signup";
import type { SignupFormView } from "@/lib/forms/signup-page";
import { translator } from "@/lib/platform/i18n";

const INPUT = "mt-1 block w-full rounded-[calc(var(--brand-radius)/2)] border border-[var(--field-border)] bg-[var(--surface)] px-3 py-2 text-[var(--text)]";

/**
 * A plain form posted to its route handler: it works without JavaScript, and needs no cookie. Every
 * topic is its own unticked box; each channel's consent statement is shown exactly as it is hashed.
 */
export function SignupForm({ view }: { view: SignupFormView }) {
  const t = translator(view.locale);
  return (
    <Card>
      <h1 className="text-2xl font-bold">{view.title}</h1>
      {view.intro && <p className="mt-2 text-[var(--muted)]">{view.intro}</p>}
      <form method="post" action={`${signupFormPath(view.formId, view.surface)}/submit`} className="mt-6 space-y-6">
        <input type="hidden" name="ticket" value={view.ticket} />
        <input type="hidden" name="locale" value={view.locale} />
        {/* Hidden from people and from screen readers; a bot that fills every field fills this one too. */}
        <div aria-hidden="true" style={{ position: "absolute", left: "-10000px", width: "1px", height: "1px", overflow: "hidden" }}>
          <label>
            Website
            <input type="text" name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" defaultValue="" />
          </label>
        </div>
        {view.channels.map(({ channel, consent, topics }) => (
          <fieldset key={channel} className="space-y-3" data-channel={channel}>
            <legend className="text-lg font-semibold">{t(`channel.${channel}`)}</legend>
            <label className="block">
              {t(`signup.${ADDRESS_FIELD[channel]}`)}
              {channel === "email" ? (
                <input type="email" name={ADDRESS_FIELD[channel]} autoComplete="email" maxLength={320} className={INPUT} />
              ) : (
                <input type="tel" name={ADDRESS_FIELD[channel]} autoComplete="tel" pattern="\+[0-9 ().\-]{7,24}" maxLength={30} className={INPUT} />
              )}
            </label>
            <p className="text-sm" data-consent={channel}>
              {consent}
            </p>
            {topics.map((topic) => (
              <label key={topic.key} className="flex items-center gap-2">
                <input type="checkbox" name={topicsField(channel)} value={topic.key} />
                {topic.name}
              </label>
            ))}
          </fieldset>
        ))}
        <p className="text-sm">
          <a href={view.privacyPolicyUrl} target="_blank" rel="noopener noreferrer" className="underline">
            {t("signup.privacy")}
          </a>
        </p>
        <PrimaryButton>{view.submit}</PrimaryButton>
      </form>
    </Card>
  );
}
