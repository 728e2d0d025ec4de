"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { oauthProviders, signIn, signOut } from "@/lib/auth";
import { ADDRESS_COUNTERS, consumeRateLimit, rateLimitKey } from "@/lib/data/rate-limits";
import { clientIp } from "@/lib/request-info";

const PER_ADDRESS_PER_HOUR = 5;
const PER_IP_PER_HOUR = 30;

/** Sends a magic link, within limits per address and per IP; the answer never says whether the address is an admin. */
export async function requestSignIn(form: FormData) {
  const email = z.email().max(320).safeParse(String(form.get("email") ?? "").trim().toLowerCase());
  if (!email.success) redirect("/admin/sign-in?error=email");
  const [byIp, byAddress] = await Promise.all([
    consumeRateLimit(rateLimitKey("sign-in:ip", clientIp(await headers()) ?? "unknown"), PER_IP_PER_HOUR, 3600),
    consumeRateLimit(rateLimitKey(ADDRESS_COUNTERS.signIn, email.data), PER_ADDRESS_PER_HOUR, 3600),
  ]);
  if (!byIp.allowed || !byAddress.allowed) redirect("/admin/sign-in?error=limit");
  await signIn("resend", { email: email.data, redirectTo: "/admin" });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/admin/sign-in" });
}

/** GitHub or Google, when their variables are set (lib/auth.ts configures only those). */
export async function signInWithProvider(provider: string) {
  if (!oauthProviders().some((p) => p.id === provider)) redirect("/admin/sign-in");
  await signIn(provider, { redirectTo: "/admin" });
}
