"use client";

import { useActionState } from "react";
import type { CreatedKey } from "@/lib/actions/admin";

/** Creates an API key and shows it once; only its hash is kept. */
export function ApiKeyForm({ action }: { action: (previous: CreatedKey, form: FormData) => Promise<CreatedKey> }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="mt-3 flex flex-wrap items-end gap-3 text-sm">
      <label>
        Name <input name="name" required maxLength={80} className="ml-1 rounded border border-slate-400 p-1" />
      </label>
      <label>
        <input type="checkbox" name="scopes" value="read" defaultChecked /> read
      </label>
      <label>
        <input type="checkbox" name="scopes" value="write" defaultChecked /> write
      </label>
      <button type="submit" disabled={pending} className="rounded bg-blue-800 px-3 py-1 text-white">
        Create key
      </button>
      <div role="status" aria-live="polite" className="w-full">
        {state?.key && (
          <p className="rounded bg-amber-50 p-3">
            Copy it now; it will not be shown again: <code className="break-all font-mono">{state.key}</code>
          </p>
        )}
        {state?.error && <p className="text-red-800">{state.error}</p>}
      </div>
    </form>
  );
}
