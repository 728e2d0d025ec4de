"use server";

import { headers } from "next/headers";
import { requestFreshLink, type FreshLinkOutcome } from "@/lib/links/fresh-link";
import { clientIp } from "@/lib/platform/request-info";

export type FreshLinkState = { outcome: FreshLinkOutcome } | null;

export async function requestFreshLinkAction(_previous: FreshLinkState, form: FormData): Promise<FreshLinkState> {
  const outcome = await requestFreshLink({
    token: String(form.get("token") ?? "").slice(0, 4000),
    email: String(form.get("email") ?? "").slice(0, 400),
    ip: clientIp(await headers()),
  });
  return { outcome };
}
