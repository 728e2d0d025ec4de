import { AutoSaveForm } from "@/components/preferences/auto-save-form";
import { SurfaceFields } from "@/components/preferences/surface-fields";
import { Switch } from "@/components/preferences/switch";
import { PrimaryButton, SecondaryButton } from "@/components/ui/card";
import { saveChannelPreferences } from "@/lib/pages/preferences-actions";
import type { ChannelState } from "@/lib/consent/preference-store";
import { translator, type Locale } from "@/lib/platform/i18n";
import type { Surface } from "@/lib/pages/preferences-surface";
import { FREQUENCIES, PAUSE_CHOICES } from "@/lib/consent/choices";
import type { ChannelWording } from "@/lib/consent/wording";

/** One channel: its switch, its topics, how often, a pause, and "stop everything by this channel". */
export function ChannelSection({
  surface,
  channel,
  wording,
  locale,
  saved,
  children,
}: {
  surface: Surface;
  channel: ChannelState;
  wording: ChannelWording;
  locale: Locale;
  saved: boolean;
  children?: React.ReactNode;
}) {
  const t = translator(locale);
  const name = t(`channel.${channel.channel}`);
  const id = `channel-${channel.channel}`;
  const paused = channel.paused ? channel.pausedUntil : null;
  const date = (value: Date) => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(value);

  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      className="rounded-[var(--brand-radius)] border border-[var(--border)] bg-[var(--surface)] p-5 shadow-sm sm:p-6"
    >
      <h2 id={`${id}-title`} className="text-xl font-semibold">
        {t(`channelTitle.${channel.channel}`)}
      </h2>
      {!channel.reachable && <p className="mt-1 text-sm text-[var(--muted)]">{t("prefs.noAddress", { channel: name })}</p>}
      <AutoSaveForm
        action={saveChannelPreferences.bind(null, surface.token, surface.kind)}
        id={`${id}-form`}
        labelledBy={`${id}-title`}
        savingLabel={t("prefs.saving")}
        savedMessage={saved ? t("prefs.saved") : null}
      >
        <input type="hidden" name="channel" value={channel.channel} />
        <input type="hidden" name="channelVersion" value={channel.version} />
        <SurfaceFields surface={surface} locale={locale} />
        <Switch id={`${id}-on`} name="channelOn" defaultChecked={channel.subscribed} label={wording.switch.label} />
        {!channel.subscribed && <p className="text-sm text-[var(--muted)]">{t("prefs.channelOff", { channel: name })}</p>}

        {channel.topics.length > 0 && (
          <fieldset className="mt-2 border-t border-[var(--border)] pt-2">
            <legend className="sr-only">{wording.topicsLegend}</legend>
            <div className="divide-y divide-[var(--border)]">
              {channel.topics.map((topic) => (
                <div key={topic.key}>
                  <input type="hidden" name={`topicVersion.${topic.key}`} value={topic.version} />
                  <Switch
                    id={`${id}-topic-${topic.key}`}
                    name={`topic.${topic.key}`}
                    defaultChecked={topic.status !== "unsubscribed"}
                    label={wording.topics[topic.key].label}
                    description={wording.topics[topic.key].description}
                  />
                </div>
              ))}
            </div>
          </fieldset>
        )}

        <div className="mt-4 grid gap-4 border-t border-[var(--border)] pt-4 sm:grid-cols-2">
          <fieldset>
            <legend className="font-medium">{wording.frequency.legend}</legend>
            {FREQUENCIES.map((frequency) => (
              <label key={frequency} className="mt-2 flex cursor-pointer items-center gap-2">
                <input
                  type="radio"
                  name="frequency"
                  value={frequency}
                  defaultChecked={channel.frequency === frequency}
                  className="size-4 accent-[var(--brand-primary)]"
                />
                {wording.frequency.options[frequency].label}
              </label>
            ))}
          </fieldset>
          <div>
            <label htmlFor={`${id}-pause`} className="font-medium">
              {wording.pause.legend}
            </label>
            {paused && <p className="text-sm text-[var(--muted)]">{t("prefs.pausedUntil", { date: date(paused) })}</p>}
            <select
              id={`${id}-pause`}
              name="pause"
              defaultValue="keep"
              className="mt-2 block w-full rounded-lg border border-[var(--field-border)] bg-[var(--surface)] p-2"
            >
              {PAUSE_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {wording.pause.options[choice].label}
                </option>
              ))}
            </select>
            <label htmlFor={`${id}-pause-until`} className="mt-2 block text-sm text-[var(--muted)]">
              {t("prefs.pause.date")}
            </label>
            <input id={`${id}-pause-until`} type="date" name="pauseUntil" className="mt-1 block w-full rounded-lg border border-[var(--field-border)] p-2" />
          </div>
        </div>

        <div className="mt-5 flex flex-wrap items-center gap-3">
          <PrimaryButton name="intent" value="save">
            {t("prefs.save", { channel: name })}
          </PrimaryButton>
          {channel.subscribed && (
            <SecondaryButton name="intent" value="stop-channel">
              {wording.stopChannel.button}
            </SecondaryButton>
          )}
        </div>
      </AutoSaveForm>
      {children}
    </section>
  );
}
