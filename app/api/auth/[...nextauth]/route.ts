import { NextRequest } from "next/server";
import { errorResponse } from "@/lib/api/respond";
import { checkSignInRequest, handlers } from "@/lib/admin/auth";
import { env } from "@/lib/platform/env";
import { BODY_LIMITS, readBodyText } from "@/lib/platform/request-body";
import { clientIp } from "@/lib/platform/request-info";

export const { GET } = handlers;

const EMAIL_SIGN_IN = "/api/auth/signin/resend";

/**
 * Auth.js's own email sign-in passes the sign-in form's checks and limits first, and goes on with the
 * address as checked. Only a form post carries an address here (Auth.js would also read JSON).
 */
export async function POST(request: NextRequest) {
  if (request.nextUrl.pathname !== EMAIL_SIGN_IN) return handlers.POST(request);
  let form: URLSearchParams;
  try {
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(request.headers.get("content-type") ?? "");
    form = new URLSearchParams(isForm ? await readBodyText(request, BODY_LIMITS.signIn) : "");
  } catch (error) {
    return errorResponse(error);
  }
  const checked = await checkSignInRequest(form.get("email"), clientIp(request.headers));
  if (!checked.ok) return Response.redirect(`${env().APP_URL}/admin/sign-in?error=${checked.error}`, 302);
  form.set("email", checked.email);
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return handlers.POST(new NextRequest(request.url, { method: "POST", headers, body: form }));
}
