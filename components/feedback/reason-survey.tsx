"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useTransition } from "react";
import { useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { OPT_OUT_REASONS, optOutReasonSchema, type OptOutReasonInput } from "@/lib/pages/opt-out-reason-schema";
import type { ReasonSurveyLabels } from "@/lib/pages/reason-labels";

/**
 * The optional "why?" question. The opt-out is already saved; answering or not changes nothing of it.
 * Without JavaScript it is a plain form posting to the server action; with it, the same zod schema the
 * action uses checks the answer first.
 */
export function ReasonSurvey({
  action,
  labels,
  invalid,
  hidden,
}: {
  action: (form: FormData) => Promise<void>;
  labels: ReasonSurveyLabels;
  invalid: boolean;
  hidden?: Record<string, string>;
}) {
  const [pending, startTransition] = useTransition();
  const { register, handleSubmit, control, formState } = useForm<z.input<typeof optOutReasonSchema>, unknown, OptOutReasonInput>({
    resolver: zodResolver(optOutReasonSchema),
    defaultValues: { comment: "" },
  });
  const comment = useWatch({ control, name: "comment" }) ?? "";
  const showError = invalid || Object.keys(formState.errors).length > 0;

  return (
    <form
      action={action}
      onSubmit={(event) => {
        const form = event.currentTarget;
        void handleSubmit(() => startTransition(() => action(new FormData(form))))(event);
      }}
      className="mt-6 border-t border-[var(--border)] pt-6"
      aria-describedby={showError ? "reason-error" : undefined}
      noValidate
    >
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <fieldset>
        <legend className="text-base font-semibold">{labels.question}</legend>
        <div className="mt-3 grid gap-2">
          {OPT_OUT_REASONS.map((reason) => (
            <label key={reason} className="flex cursor-pointer items-center gap-3 rounded-lg border border-[var(--border)] px-3 py-2 hover:bg-[var(--page)]">
              <input type="radio" value={reason} required className="size-4 accent-[var(--brand-primary)]" {...register("reason")} />
              <span>{labels.reasons[reason]}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor="reason-comment" className="mt-4 block font-medium">
        {labels.comment}
      </label>
      <textarea
        id="reason-comment"
        maxLength={1000}
        rows={3}
        className="mt-1 w-full rounded-lg border border-[var(--field-border)] bg-[var(--surface)] p-2"
        aria-describedby="reason-count"
        {...register("comment")}
      />
      <p id="reason-count" className="text-right text-sm text-[var(--muted)]">
        {comment.length}/1000
      </p>
      {showError && (
        <p id="reason-error" role="alert" className="mt-2 text-[var(--error)]">
          {labels.invalid}
        </p>
      )}
      <div className="mt-4">
        <button
          type="submit"
          disabled={pending}
          className="rounded-[calc(var(--brand-radius)/2)] border border-[var(--field-border)] bg-[var(--surface)] px-4 py-2 font-medium text-[var(--text)] hover:bg-[var(--page)] focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-[var(--brand-primary)]"
        >
          {labels.submit}
        </button>
      </div>
    </form>
  );
}
