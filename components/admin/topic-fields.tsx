import { CHANNELS } from "@/lib/consent/channels";
import { LOCALES } from "@/lib/platform/i18n";

type Topic = { names: Record<string, string>; descriptions: Record<string, string>; channels: string[]; requiresOptIn: boolean; kind: string };

const input = "ml-1 rounded border border-slate-400 p-1";

/** A topic's names and descriptions in four languages, its channels and whether it needs opt-in. */
export function TopicFields({ topic }: { topic?: Topic }) {
  return (
    <>
      <fieldset className="flex flex-wrap gap-3 md:col-span-2">
        <legend className="sr-only">Channels</legend>
        {CHANNELS.map((channel) => (
          <label key={channel}>
            <input type="checkbox" name="channels" value={channel} defaultChecked={topic?.channels.includes(channel)} /> {channel}
          </label>
        ))}
      </fieldset>
      {LOCALES.map((locale) => (
        <div key={locale} className="flex flex-col gap-1">
          <label>
            Name ({locale}) <input name={`name.${locale}`} required={locale === "en"} defaultValue={topic?.names[locale]} className={input} />
          </label>
          <label>
            Description ({locale}) <input name={`description.${locale}`} defaultValue={topic?.descriptions[locale]} className={`${input} w-64`} />
          </label>
        </div>
      ))}
      <label>
        <input type="checkbox" name="requiresOptIn" defaultChecked={topic?.requiresOptIn ?? true} /> Needs explicit opt-in (marketing)
      </label>
      <label>
        Kind{" "}
        <select name="kind" defaultValue={topic?.kind ?? "marketing"} className={input}>
          <option value="marketing">marketing</option>
          <option value="transactional">transactional (exempt from caps and quiet hours)</option>
        </select>
      </label>
      <p className="text-xs text-[var(--muted)]">
        On by default (no opt-in, or a channel added) reaches only contacts created from now on; everyone else gets it when they opt in.
      </p>
    </>
  );
}
