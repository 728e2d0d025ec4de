"use server";

import { redirect } from "next/navigation";
import { boundString } from "@/lib/actions/bound-arguments";
import { confirmPagePath, confirmPending } from "@/lib/optin";

/** The confirmation button, bound to its page's token and verifying it again. */
export async function confirmSubscription(token: string) {
  const confirmed = await confirmPending(boundString(token));
  redirect(confirmed && confirmed.length > 0 ? `${confirmPagePath(token)}?confirmed=${confirmed.join(",")}` : confirmPagePath(token));
}
