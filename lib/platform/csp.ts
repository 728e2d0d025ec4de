// The Content-Security-Policy of every page: scripts only with this response's nonce (Next adds it to
// its own), and 'strict-dynamic' for the chunks those load; nothing else executes, whatever markup a
// contact field or branding value might carry. Styles may be inline: branding arrives as CSS variables
// in style attributes, and charts draw with them.
export function contentSecurityPolicy(options: { nonce: string; frameAncestors: string; development: boolean; formTargets?: string[] }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // A workspace's logo may live on its own https site.
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src 'self'${options.development ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    // Forms post here only (and, for "Sign in with GitHub/Google", on to the provider).
    `form-action 'self'${options.formTargets?.length ? ` ${options.formTargets.join(" ")}` : ""}`,
    `frame-ancestors ${options.frameAncestors}`,
  ].join("; ");
}
