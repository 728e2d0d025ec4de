import { z } from "zod";

// What a workspace may set for the embedded page: the origins allowed to frame it, and a brand made of
// validated values only. Tenants never supply CSS or HTML; every value here ends up in a CSS variable
// or an <img src>, so each is checked for exactly its shape.

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `https://host[:port]`, or `http://localhost[:port]` for development: scheme and host only. */
export const embedOriginSchema = z
  .string()
  .trim()
  .max(200)
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: "custom", message: `"${value}" is not an origin such as https://app.example.com` });
      return;
    }
    if (value.includes("*")) context.addIssue({ code: "custom", message: `"${value}": wildcards are not allowed; list each origin` });
    else if (url.protocol !== "https:" && !(url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname))) {
      context.addIssue({ code: "custom", message: `"${value}": only https origins (or http://localhost for development) may embed the page` });
    } else if (url.origin.toLowerCase() !== value.toLowerCase()) {
      context.addIssue({ code: "custom", message: `"${value}": give the scheme and host only (no path, query, user or trailing slash)` });
    }
  })
  .transform((value) => new URL(value).origin);

export const embedOriginsSchema = z.array(embedOriginSchema).max(20, "at most 20 origins");

export const SAFE_FONTS = {
  system: 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  humanist: '"Segoe UI", Candara, "Gill Sans", Optima, sans-serif',
  serif: 'Georgia, Cambria, "Times New Roman", serif',
  rounded: 'ui-rounded, "SF Pro Rounded", "Nunito", system-ui, sans-serif',
  mono: 'ui-monospace, "SF Mono", Menlo, Consolas, monospace',
} as const;

const hexColor = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1e40af");

export const brandingSchema = z.strictObject({
  logoUrl: z
    .url({ protocol: /^https$/, error: "must be an https URL of an image" })
    .max(500)
    .refine((value) => !/["'()<>\\\s]/.test(value), "may not contain quotes, brackets, spaces or backslashes")
    .optional(),
  primaryColor: hexColor.default("#1e40af"),
  accentColor: hexColor.default("#0f766e"),
  font: z.enum(Object.keys(SAFE_FONTS) as [keyof typeof SAFE_FONTS, ...(keyof typeof SAFE_FONTS)[]]).default("system"),
  radius: z.number().int().min(0).max(24).default(16),
  theme: z.enum(["light", "dark"]).default("light"),
});

export type Branding = z.infer<typeof brandingSchema>;

/** PATCH /api/v1/workspace: either part may be left out. */
export const embedSettingsSchema = z.strictObject({
  allowedEmbedOrigins: embedOriginsSchema.optional(),
  branding: brandingSchema.optional(),
});

export const DEFAULT_BRANDING: Branding = brandingSchema.parse({});

/** Stored branding, read defensively: anything that no longer validates falls back to the defaults. */
export function readBranding(stored: unknown): Branding {
  const parsed = brandingSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_BRANDING;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function textOn(hex: string): string {
  const l = luminance(hex);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#0f172a";
}

/** The CSS variables the recipient pages read; every value has been validated above. */
export function brandVariables(branding: Branding): Record<string, string> {
  return {
    "--brand-primary": branding.primaryColor,
    "--brand-on-primary": textOn(branding.primaryColor),
    "--brand-accent": branding.accentColor,
    "--brand-radius": `${branding.radius}px`,
    "--brand-font": SAFE_FONTS[branding.font],
  };
}
