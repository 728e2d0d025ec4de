import "server-only";
import { getEmbedSettings } from "@/lib/admin/workspace-store";
import { verifyLinkToken } from "@/lib/links/signing-key-store";
import { InvalidTokenError } from "@/lib/links/tokens";
import { signupFormOrigins } from "@/lib/forms/signup-store";

/**
 * The `frame-ancestors` of an embedded page: the origins its workspace allows, or 'none' for a bad link
 * or a workspace that allows none. The token's signature is checked before the workspace is read.
 */
export async function frameAncestorsFor(token: string): Promise<string> {
  try {
    const claims = await verifyLinkToken(token, ["preferences"]);
    const origins = (await getEmbedSettings(claims.workspaceId))?.allowedEmbedOrigins ?? [];
    return origins.length > 0 ? origins.join(" ") : "'none'";
  } catch (error) {
    if (error instanceof InvalidTokenError) return "'none'";
    throw error;
  }
}

/** The `frame-ancestors` of an embedded sign-up form (its pages and its post's answers): the form's own allowed origins, or 'none'. */
export async function frameAncestorsForForm(formId: string): Promise<string> {
  const origins = await signupFormOrigins(formId);
  return origins.length > 0 ? origins.join(" ") : "'none'";
}
