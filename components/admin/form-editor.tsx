"use client";

import { useActionState, useState, useTransition } from "react";
import { useForm, type Path } from "react-hook-form";
import type { FormResult } from "@/lib/admin/owner-action";
import type { SavedForm } from "@/lib/forms/form-actions";
import { formEditorSchema, describeFormIssue, type FormEditorValues } from "@/lib/forms/form-editor";
import type { FormChannel } from "@/lib/forms/form-content-schema";
import { LOCALES } from "@/lib/platform/i18n";

type Props = {
  action: (previous: SavedForm | null, form: FormData) => Promise<SavedForm>;
  defaultValues: FormEditorValues;
  /** The workspace's channels a form can offer, and its live topics with the channels each is sent by. */
  channels: readonly FormChannel[];
  topics: readonly { key: string; name: string; channels: readonly string[] }[];
  submitLabel: string;
  /** A viewer reads the form as it is, without saving. */
  readOnly?: boolean;
};

/** The value at a dotted field name (`wording.es.title`). */
function valueAt(values: unknown, name: string): unknown {
  return name.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), values);
}

const input = "mt-1 block w-full rounded border border-slate-400 p-1";
const LOCALE_NAMES: Record<string, string> = { en: "English", es: "Spanish", "pt-BR": "Portuguese (Brazil)", it: "Italian" };

/**
 * A sign-up form's settings and the content of its next version: per channel whether it is offered,
 * its topics (each its own unticked box on the form) and double opt-in; the wording per locale. The
 * browser checks it with the schema the server action checks it with.
 */
export function FormEditor({ action, defaultValues, channels, topics, submitLabel, readOnly = false }: Props) {
  const [state, formAction, pending] = useActionState(action, null);
  const [, startTransition] = useTransition();
  const [issues, setIssues] = useState<string[]>([]);
  const { register, getValues } = useForm<FormEditorValues>({ defaultValues });
  // The values are in the HTML too, so that the form posts as it reads before (and without) JavaScript.
  const text = (name: Path<FormEditorValues>) => ({ ...register(name), defaultValue: String(valueAt(defaultValues, name) ?? "") });
  const box = (name: Path<FormEditorValues>) => ({ ...register(name), defaultChecked: valueAt(defaultValues, name) === true });
  const failures = state?.ok === false ? [state.message, ...Object.entries(state.fieldErrors ?? {}).flatMap(([, messages]) => messages ?? [])] : issues;

  return (
    <form
      action={formAction}
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = formEditorSchema.safeParse(getValues());
        if (!parsed.success) {
          setIssues(parsed.error.issues.map(describeFormIssue));
          return;
        }
        setIssues([]);
        const form = new FormData(event.currentTarget);
        startTransition(() => formAction(form));
      }}
      aria-describedby="form-editor-status"
      className="grid gap-5 text-sm"
      noValidate
    >
      <fieldset disabled={readOnly} className="grid gap-5">
        <label>
          Name (for you; visitors never see it)
          <input className={input} {...text("name")} />
        </label>
        <label>
          Sites allowed to embed it, one origin per line (https://shop.example, or http://localhost:5173 for development)
          <textarea rows={3} className={`${input} font-mono`} {...text("origins")} />
        </label>
        <label>
          Privacy policy (https link shown beside the consent)
          <input type="url" className={input} {...text("privacyPolicyUrl")} />
        </label>

        <fieldset className="grid gap-3">
          <legend className="font-semibold">Channels and topics</legend>
          <p className="text-slate-700">Boxes are never pre-ticked on the form: a person ticks each topic they want.</p>
          {channels.map((channel) => (
            <fieldset key={channel} className="rounded border border-slate-200 p-3">
              <legend className="px-1 font-medium">{channel}</legend>
              <label className="mr-4">
                <input type="checkbox" {...box(`channels.${channel}.offered`)} /> Offer {channel}
              </label>
              <label>
                <input type="checkbox" {...box(`channels.${channel}.doubleOptIn`)} /> Ask to confirm (double opt-in) by {channel}
              </label>
              <div className="mt-2 flex flex-wrap gap-4">
                {topics
                  .filter((topic) => topic.channels.includes(channel))
                  .map((topic) => (
                    <label key={topic.key}>
                      <input type="checkbox" {...box(`channels.${channel}.topic.${topic.key}`)} /> {topic.name} <span className="font-mono">({topic.key})</span>{" "}
                      by {channel}
                    </label>
                  ))}
              </div>
            </fieldset>
          ))}
        </fieldset>

        <fieldset className="grid gap-3">
          <legend className="font-semibold">Wording</legend>
          <p className="text-slate-700">
            Fill in each language the form speaks; a visitor reads theirs, or the default. The consent statement of each channel is what the person agrees to:
            it is kept, word for word, with every consent given on it.
          </p>
          <label>
            Default language{" "}
            <select className="rounded border border-slate-400 p-1" {...text("defaultLocale")}>
              {LOCALES.map((locale) => (
                <option key={locale} value={locale}>
                  {LOCALE_NAMES[locale]}
                </option>
              ))}
            </select>
          </label>
          {LOCALES.map((locale) => (
            <fieldset key={locale} className="grid gap-2 rounded border border-slate-200 p-3 md:grid-cols-2">
              <legend className="px-1 font-medium">{LOCALE_NAMES[locale]}</legend>
              <label>
                Title ({locale})
                <input className={input} {...text(`wording.${locale}.title`)} />
              </label>
              <label>
                Button ({locale})
                <input className={input} {...text(`wording.${locale}.submit`)} />
              </label>
              <label className="md:col-span-2">
                Introduction ({locale}, optional)
                <textarea rows={2} className={input} {...text(`wording.${locale}.intro`)} />
              </label>
              {channels.map((channel) => (
                <label key={channel} className="md:col-span-2">
                  Consent statement for {channel} ({locale})
                  <textarea rows={2} className={input} {...text(`wording.${locale}.consent.${channel}`)} />
                </label>
              ))}
            </fieldset>
          ))}
        </fieldset>
        {!readOnly && (
          <div>
            <button type="submit" disabled={pending} className="rounded bg-blue-800 px-3 py-1 text-white">
              {submitLabel}
            </button>
          </div>
        )}
      </fieldset>
      <div id="form-editor-status" role="status" aria-live="polite">
        {state?.ok && (
          <p className="rounded bg-green-50 p-3 text-green-900">
            {state.created ? `Saved as version ${state.version}.` : `Saved. The content is unchanged: the form still shows version ${state.version}.`}
          </p>
        )}
        {failures.length > 0 && (
          <ul className="rounded bg-red-50 p-3 text-red-900">
            {failures.map((failure) => (
              <li key={failure}>{failure}</li>
            ))}
          </ul>
        )}
      </div>
    </form>
  );
}

/** Archives the form: it stops showing to visitors; its versions and the consents it collected stay. */
export function ArchiveFormButton({ action }: { action: (previous: FormResult | null, form: FormData) => Promise<FormResult> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="flex items-center gap-3 text-sm">
      <button type="submit" disabled={pending} className="rounded border border-red-800 px-3 py-1 text-red-800">
        Archive this form
      </button>
      <span role="status">{state?.ok === false && state.message}</span>
    </form>
  );
}
