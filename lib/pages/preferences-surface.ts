import type { ContactPreferences } from "@/lib/consent/preference-store";
import { preferencesPagePath } from "@/lib/links/message-links";

/** Where the preference page is shown: on our own domain, or framed in a business's site (`/embed`). */
export type SurfaceKind = "page" | "embed";

export type Surface = {
  token: string;
  kind: SurfaceKind;
  /** For the embedded page: the framing site's origin, one the workspace allows; messages go only there. */
  parent: string | null;
};

export function surfaceKind(value: unknown): SurfaceKind {
  return value === "embed" ? "embed" : "page";
}

/** The parent origin a request names, kept only if the workspace allows it to embed the page. */
export function allowedParent(state: ContactPreferences, value: unknown): string | null {
  return typeof value === "string" && state.workspace.allowedEmbedOrigins.includes(value) ? value : null;
}

/** A URL of the page on its surface, with the query given (and, embedded, the parent origin). */
export function surfaceUrl(surface: Surface, query: Record<string, string | undefined> = {}, anchor?: string): string {
  const path = surface.kind === "embed" ? `/embed${preferencesPagePath(surface.token)}` : preferencesPagePath(surface.token);
  const entries = Object.entries({ ...query, ...(surface.kind === "embed" && surface.parent ? { parent: surface.parent } : {}) });
  const params = new URLSearchParams(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${path}${params.size ? `?${params}` : ""}${anchor ? `#${anchor}` : ""}`;
}
