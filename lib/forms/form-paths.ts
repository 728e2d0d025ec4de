import { env } from "@/lib/platform/env";

// Where a sign-up form lives: its hosted page and embed for visitors, its pages in the dashboard.

/** The dashboard's page of one version's wording. */
export function formVersionHref(workspaceId: string, formId: string, version: number): string {
  return `/admin/${workspaceId}/forms/${formId}/versions#version-${version}`;
}

/** The hosted page, and the snippet that embeds the form on another site (through embed.js). */
export function formPublicUrls(formId: string): { hostedUrl: string; embedSnippet: string } {
  const appUrl = env().APP_URL;
  return { hostedUrl: `${appUrl}/f/${formId}`, embedSnippet: `<script src="${appUrl}/embed.js" data-form="${formId}" async></script>` };
}
