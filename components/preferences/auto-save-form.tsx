"use client";

import { useFormStatus } from "react-dom";

/**
 * A channel's form. Without JavaScript it posts when the person presses Save. With JavaScript every
 * switch, choice and pause saves as soon as it changes, and the status line says so.
 */
export function AutoSaveForm({
  action,
  id,
  labelledBy,
  savingLabel,
  savedMessage,
  children,
}: {
  action: (form: FormData) => Promise<void>;
  id: string;
  labelledBy: string;
  savingLabel: string;
  /** Shown once the page comes back after this form saved. */
  savedMessage: string | null;
  children: React.ReactNode;
}) {
  return (
    <form
      id={id}
      action={action}
      aria-labelledby={labelledBy}
      onChange={(event) => {
        const field = event.target as unknown as HTMLInputElement | HTMLSelectElement;
        const form = event.currentTarget;
        // Picking "until a date" waits for the date; the date saves once "until a date" is chosen.
        if (field.name === "pause" && field.value === "until") return;
        if (field.name === "pauseUntil" && (form.elements.namedItem("pause") as HTMLSelectElement | null)?.value !== "until") return;
        if (field.name === "comment") return;
        form.requestSubmit();
      }}
    >
      {children}
      <Status saving={savingLabel} saved={savedMessage} />
    </form>
  );
}

function Status({ saving, saved }: { saving: string; saved: string | null }) {
  const { pending } = useFormStatus();
  return (
    <p role="status" aria-live="polite" className={`mt-2 min-h-6 text-sm ${pending ? "text-[var(--muted)]" : "text-[var(--ok)]"}`}>
      {pending ? saving : saved}
    </p>
  );
}
