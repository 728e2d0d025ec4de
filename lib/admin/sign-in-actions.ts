"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { checkSignInRequest, oauthProviders, signIn, signOut } from "@/lib/admin/auth";
import { clientIp } from "@/lib/platform/request-info";

/** Sends a magic link, within limits per address and per IP; the answer never says whether the address is an admin. */
export async function requestSignIn(form: FormData) {
  const request = await checkSignInRequest(form.get("email"), clientIp(await headers()));
  if (!request.ok) redirect(`/admin/sign-in?error=${request.error}`);
  await signIn("resend", { email: request.email, redirectTo: "/admin" });
}

export async function signOutAction() {
  await signOut({ redirectTo: "/admin/sign-in" });
}

/** GitHub or Google, when their variables are set (lib/admin/auth.ts configures only those). */
export async function signInWithProvider(provider: string) {
  if (!oauthProviders().some((p) => p.id === provider)) redirect("/admin/sign-in");
  await signIn(provider, { redirectTo: "/admin" });
}
