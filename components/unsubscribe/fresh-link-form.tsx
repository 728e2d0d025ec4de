"use client";

import { usePathname } from "next/navigation";
import { useActionState } from "react";
import { requestFreshLinkAction } from "@/lib/pages/fresh-link-action";

type Labels = { intro: string; label: string; submit: string; sent: string; invalidEmail: string; tooMany: string };

/** Asks for a fresh link by email. The invalid link's token (from the address bar) tells which sender it was. */
export function FreshLinkForm({ labels }: { labels: Labels }) {
  const token = usePathname().split("/").pop() ?? "";
  const [state, action, pending] = useActionState(requestFreshLinkAction, null);
  const message =
    state?.outcome === "sent" ? labels.sent : state?.outcome === "invalid_email" ? labels.invalidEmail : state?.outcome === "too_many" ? labels.tooMany : null;

  return (
    <form action={action} className="mt-6 border-t border-slate-200 pt-6">
      <p className="text-slate-800">{labels.intro}</p>
      <input type="hidden" name="token" value={token} />
      <label htmlFor="fresh-email" className="mt-4 block font-medium">
        {labels.label}
      </label>
      <input
        id="fresh-email"
        name="email"
        type="email"
        required
        autoComplete="email"
        aria-describedby="fresh-status"
        className="mt-1 w-full rounded-lg border border-slate-400 p-2"
      />
      <button
        type="submit"
        disabled={pending}
        className="mt-4 rounded-lg bg-blue-800 px-5 py-3 font-semibold text-white hover:bg-blue-900 focus-visible:outline focus-visible:outline-3 focus-visible:outline-offset-2 focus-visible:outline-blue-800 disabled:opacity-60"
      >
        {labels.submit}
      </button>
      <p id="fresh-status" role="status" aria-live="polite" className="mt-3 text-slate-900">
        {message}
      </p>
    </form>
  );
}
