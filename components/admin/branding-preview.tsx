"use client";

import { useState } from "react";
import { brandVariables, DEFAULT_BRANDING, readBranding, SAFE_FONTS, type Branding } from "@/lib/pages/branding";

/**
 * The branding fields with a live preview of the preference page's look. The preview only reads
 * validated values (readBranding), the same way the recipient pages do.
 */
export function BrandingFields({ initial }: { initial: Branding }) {
  const [draft, setDraft] = useState<Record<string, unknown>>({ ...initial });
  const branding = readBranding({ ...draft, logoUrl: draft.logoUrl || undefined });
  const set = (name: string) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setDraft((current) => ({ ...current, [name]: name === "radius" ? Number(event.target.value) : event.target.value }));

  return (
    <div className="grid gap-6 md:grid-cols-2">
      <div className="grid gap-3 text-sm">
        <label>
          Primary colour{" "}
          <input name="primaryColor" type="color" defaultValue={initial.primaryColor} onChange={set("primaryColor")} className="ml-2 align-middle" />
        </label>
        <label>
          Accent colour <input name="accentColor" type="color" defaultValue={initial.accentColor} onChange={set("accentColor")} className="ml-2 align-middle" />
        </label>
        <label>
          Font{" "}
          <select name="font" defaultValue={initial.font} onChange={set("font")} className="rounded border border-slate-400 p-1">
            {Object.keys(SAFE_FONTS).map((font) => (
              <option key={font}>{font}</option>
            ))}
          </select>
        </label>
        <label>
          Corner radius{" "}
          <input
            name="radius"
            type="number"
            min={0}
            max={24}
            defaultValue={initial.radius}
            onChange={set("radius")}
            className="w-16 rounded border border-slate-400 p-1"
          />{" "}
          px
        </label>
        <label>
          Theme{" "}
          <select name="theme" defaultValue={initial.theme} onChange={set("theme")} className="rounded border border-slate-400 p-1">
            <option>light</option>
            <option>dark</option>
          </select>
        </label>
        <label>
          Logo (https URL){" "}
          <input
            name="logoUrl"
            type="url"
            defaultValue={initial.logoUrl ?? ""}
            onChange={set("logoUrl")}
            className="w-full rounded border border-slate-400 p-1"
          />
        </label>
      </div>
      <div
        className="brand rounded-lg p-4"
        data-theme={branding.theme}
        style={brandVariables(branding ?? DEFAULT_BRANDING) as React.CSSProperties}
        aria-label="Preview"
        role="figure"
      >
        <div className="rounded-[var(--brand-radius)] border border-[var(--border)] bg-[var(--surface)] p-4">
          <p className="font-semibold">Receive messages by email</p>
          <p className="text-sm text-[var(--muted)]">Offers — discounts and promotions.</p>
          <span className="mt-3 inline-block rounded-[calc(var(--brand-radius)/2)] bg-[var(--brand-primary)] px-4 py-2 font-semibold text-[var(--brand-on-primary)]">
            Save email preferences
          </span>
        </div>
      </div>
    </div>
  );
}
