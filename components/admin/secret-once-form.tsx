"use client";

import { useActionState } from "react";
import type { CreatedSecret } from "@/lib/admin/admin-actions";

/** Creates an API key or a webhook endpoint and shows its secret once. */
export function SecretOnceForm({
  action,
  submitLabel,
  children,
}: {
  action: (previous: CreatedSecret | null, form: FormData) => Promise<CreatedSecret>;
  submitLabel: string;
  children: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="mt-3 flex flex-wrap items-end gap-3 text-sm">
      {children}
      <button type="submit" disabled={pending} className="rounded bg-blue-800 px-3 py-1 text-white">
        {submitLabel}
      </button>
      <div role="status" aria-live="polite" className="w-full">
        {state?.ok && (
          <p className="rounded bg-amber-50 p-3">
            Copy it now; it will not be shown again: <code className="break-all font-mono">{state.secret}</code>
          </p>
        )}
        {state?.ok === false && <p className="text-red-800">{state.message}</p>}
      </div>
    </form>
  );
}
