import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { addAdmin } from "@/lib/admin/membership-store";
import { db } from "@/lib/platform/db";
import type { MemberRole } from "@/lib/generated/prisma/enums";

/** The URL a server action redirected to (Next's redirect() throws), or the error it threw otherwise. */
export async function redirectOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT;")) return digest.split(";").slice(2, -2).join(";");
    throw error;
  }
  throw new Error("the action returned without redirecting");
}

/** The built app's server actions, by `file#export`, from the build's server-reference manifest. */
function builtActionIds(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  return new Map(Object.entries(manifest.node).map(([id, { filename, exportedName }]) => [`${filename}#${exportedName}`, id]));
}

/**
 * Posts a bound server action as a browser without JavaScript posts a form: the action's id and its
 * bound arguments travel in hidden fields, which whoever posts can edit.
 */
export function formPoster(baseUrl: string) {
  const actionIds = builtActionIds();
  return (path: string, action: string, bound: unknown[], fields: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const id = actionIds.get(action);
    if (!id) throw new Error(`no server action ${action} in the build`);
    const form = new FormData();
    form.append("$ACTION_REF_1", "");
    form.append("$ACTION_1:0", JSON.stringify({ id, bound: "$@1" }));
    form.append("$ACTION_1:1", JSON.stringify(bound));
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${baseUrl}${path}`, { method: "POST", body: form, redirect: "manual", headers: { origin: baseUrl, ...headers } });
  };
}

/** An admin of the workspace with this role, signed in: the cookie of their session. */
export async function adminSession(workspaceId: string, role: MemberRole): Promise<string> {
  const admin = await addAdmin(workspaceId, `${role}-${randomBytes(4).toString("hex")}@example.com`, role);
  const sessionToken = randomBytes(32).toString("hex");
  await db().session.create({ data: { sessionToken, userId: admin.id, expires: new Date(Date.now() + 86_400_000) } });
  return `authjs.session-token=${sessionToken}`;
}

/** An attribute's or a text's value as React escaped it into the page, back to its characters. */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
