import { brandVariables, type Branding } from "@/lib/pages/branding";

/** Wears a workspace's brand: validated values only, set as CSS variables; its logo and name on top. */
export function BrandFrame({ branding, sender, children, bare = false }: { branding: Branding; sender: string; children: React.ReactNode; bare?: boolean }) {
  return (
    <div id="brand-frame" className={`brand ${bare ? "" : "min-h-dvh"}`} data-theme={branding.theme} style={brandVariables(branding) as React.CSSProperties}>
      <div className={bare ? "p-4 sm:p-6" : "mx-auto max-w-3xl px-4 py-10"}>
        <div className="mb-4 flex items-center gap-3">
          {branding.logoUrl && (
            // The logo is a tenant's https URL: plain <img>, no optimisation proxy fetching it for them.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={branding.logoUrl} alt="" className="h-8 w-auto" referrerPolicy="no-referrer" />
          )}
          <p className="text-sm font-medium text-[var(--muted)]">{sender}</p>
        </div>
        {children}
      </div>
    </div>
  );
}
