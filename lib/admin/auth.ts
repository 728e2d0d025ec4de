import "server-only";
import { PrismaAdapter } from "@auth/prisma-adapter";
import NextAuth from "next-auth";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import Resend from "next-auth/providers/resend";
import { notFound, redirect } from "next/navigation";
import { after } from "next/server";
import { cache } from "react";
import { z } from "zod";
import { findMembership, isAdminEmail, type Membership } from "@/lib/admin/membership-store";
import { ADDRESS_COUNTERS, consumeRateLimit, rateLimitKey } from "@/lib/platform/rate-limit-store";
import { db } from "@/lib/platform/db";
import { sendLinkEmail } from "@/lib/platform/email";
import { env } from "@/lib/platform/env";
import { UserFacingError } from "@/lib/platform/errors";
import type { MemberRole } from "@/lib/generated/prisma/enums";
import { isUuid } from "@/lib/platform/uuid";

// Admin sign-in: an email magic link sent through the resend SDK (a local stub in demo mode and tests),
// sessions kept in the database, GitHub or Google when their variables are set. Configured lazily, so
// that `next build` needs neither the database nor the secret.
//
// Whether the address is an admin's is decided only after the answer: every request for a link runs the
// same steps (Auth.js looks the user up and stores a verification token) and gets the same redirect, and
// the link is mailed afterwards, to admins only. So neither the answer nor its time says who is an admin.

const SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR = 5;
const SIGN_IN_LINKS_PER_IP_PER_HOUR = 30;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const { AUTH_SECRET, AUTH_GITHUB_ID, AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID, AUTH_GOOGLE_SECRET } = env();
  return {
    adapter: PrismaAdapter(db()),
    secret: AUTH_SECRET,
    trustHost: true,
    session: { strategy: "database", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/admin/sign-in", verifyRequest: "/admin/sign-in?sent=1", error: "/admin/sign-in" },
    callbacks: {
      session({ session, user }) {
        session.user.id = user.id;
        return session;
      },
    },
    providers: [
      Resend({
        maxAge: 15 * 60,
        sendVerificationRequest({ identifier, url }) {
          after(() => mailSignInLink(identifier, url));
        },
      }),
      ...(AUTH_GITHUB_ID && AUTH_GITHUB_SECRET ? [GitHub({ clientId: AUTH_GITHUB_ID, clientSecret: AUTH_GITHUB_SECRET })] : []),
      ...(AUTH_GOOGLE_ID && AUTH_GOOGLE_SECRET ? [Google({ clientId: AUTH_GOOGLE_ID, clientSecret: AUTH_GOOGLE_SECRET })] : []),
    ],
  };
});

/** After the answer: the link goes to an admin; a stranger's token is never sent and lapses in 15 minutes. */
async function mailSignInLink(email: string, url: string) {
  try {
    if (!(await isAdminEmail(email))) return;
    await sendLinkEmail({
      to: email,
      subject: "Your sign-in link for the preference center",
      body: "Sign in to the preference center dashboard:",
      url,
      linkLabel: "Sign in",
      footer: "The link works once, for 15 minutes. If you did not ask for it, ignore this email.",
    });
  } catch (error) {
    console.error(`sign-in link not sent: ${(error as Error).message}`);
  }
}

/**
 * Every way to ask for a sign-in link passes here first (the form's action and Auth.js's own endpoint):
 * a well-formed address, and at most 5 links an hour to it and 30 from one client address.
 */
export async function checkSignInRequest(email: unknown, ip: string | null): Promise<{ ok: true; email: string } | { ok: false; error: "email" | "limit" }> {
  const address = z
    .email()
    .max(320)
    .safeParse(
      String(email ?? "")
        .trim()
        .toLowerCase(),
    );
  if (!address.success) return { ok: false, error: "email" };
  const [byIp, byAddress] = await Promise.all([
    consumeRateLimit(rateLimitKey("sign-in:ip", ip ?? "unknown"), SIGN_IN_LINKS_PER_IP_PER_HOUR, 3600),
    consumeRateLimit(rateLimitKey(ADDRESS_COUNTERS.signIn, address.data), SIGN_IN_LINKS_PER_ADDRESS_PER_HOUR, 3600),
  ]);
  return byIp.allowed && byAddress.allowed ? { ok: true, email: address.data } : { ok: false, error: "limit" };
}

/** The OAuth providers configured through the environment, for the sign-in page's buttons. */
export function oauthProviders(): { id: "github" | "google"; name: string }[] {
  const { AUTH_GITHUB_ID, AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID, AUTH_GOOGLE_SECRET } = env();
  return [
    ...(AUTH_GITHUB_ID && AUTH_GITHUB_SECRET ? [{ id: "github" as const, name: "GitHub" }] : []),
    ...(AUTH_GOOGLE_ID && AUTH_GOOGLE_SECRET ? [{ id: "google" as const, name: "Google" }] : []),
  ];
}

export type AdminContext = { userId: string; email: string; membership: Membership };

/** The signed-in admin, or the sign-in page. */
export async function requireAdmin(): Promise<{ userId: string; email: string }> {
  const session = await auth();
  if (!session?.user?.id || !session.user.email) redirect("/admin/sign-in");
  return { userId: session.user.id, email: session.user.email };
}

/**
 * Every admin action starts here: a signed-in admin who belongs to this workspace (a UserFacingError
 * 404 otherwise: a workspace they do not belong to does not exist for them), with the owner role for
 * changes (403 otherwise).
 */
export async function assertMember(workspaceId: string, role: MemberRole = "viewer"): Promise<AdminContext> {
  const admin = await requireAdmin();
  const membership = isUuid(workspaceId) ? await findMembership(admin.userId, workspaceId) : null;
  if (!membership) throw new UserFacingError("not_found", "There is no such workspace.", 404);
  if (role === "owner" && membership.role !== "owner") {
    throw new UserFacingError("forbidden", "Viewers can read but not change settings.", 403);
  }
  return { ...admin, membership };
}

/**
 * Every admin page starts here: the same check, answering the not-found page to non-members. Cached per
 * request, so the layout's check and the page's own cost one session and membership lookup.
 */
export const requireMember = cache(async (workspaceId: string, role: MemberRole = "viewer"): Promise<AdminContext> => {
  try {
    return await assertMember(workspaceId, role);
  } catch (error) {
    if (error instanceof UserFacingError && error.status === 404) notFound();
    throw error;
  }
});
