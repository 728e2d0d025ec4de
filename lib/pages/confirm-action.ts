"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { boundString, parseBound } from "@/lib/platform/bound-arguments";
import { StaleVersionError } from "@/lib/platform/errors";
import { confirmPagePath } from "@/lib/links/message-links";
import { confirmPending } from "@/lib/pages/confirmation-page";
import { seenTopicVersionsFromForm } from "@/lib/pages/preferences-schema";

/** The confirmation button, bound to its page's token and verifying it again; it posts the topics it showed. */
export async function confirmSubscription(boundToken: string, form: FormData) {
  const token = parseBound(z.tuple([boundString]), [boundToken])[0];
  const seen = seenTopicVersionsFromForm(form);
  // A stale page (or one without what it showed) confirms nothing and shows the current state.
  if (!seen.success) redirect(confirmPagePath(token));
  let confirmed: string[] | null;
  try {
    confirmed = await confirmPending(token, seen.data);
  } catch (error) {
    if (error instanceof StaleVersionError) redirect(confirmPagePath(token));
    throw error;
  }
  redirect(confirmed && confirmed.length > 0 ? `${confirmPagePath(token)}?confirmed=${confirmed.join(",")}` : confirmPagePath(token));
}
