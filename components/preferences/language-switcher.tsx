import { SurfaceFields } from "@/components/preferences/surface-fields";
import { saveLanguage } from "@/lib/pages/preferences-actions";
import { LOCALES, type Locale } from "@/lib/platform/i18n";
import { LANGUAGE_NAMES } from "@/lib/pages/preferences-page";
import { surfaceUrl, type Surface } from "@/lib/pages/preferences-surface";

/** Links that show the page in another language (reading only), and a form that keeps the choice. */
export function LanguageSwitcher({ surface, locale, label, saveLabel }: { surface: Surface; locale: Locale; label: string; saveLabel: string }) {
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      <span className="font-medium">{label}:</span>
      {LOCALES.map((option) => (
        <a
          key={option}
          href={surfaceUrl(surface, { lang: option })}
          hrefLang={option}
          lang={option}
          aria-current={option === locale ? "true" : undefined}
          className={option === locale ? "font-semibold underline" : "text-[var(--link)] underline underline-offset-2"}
        >
          {LANGUAGE_NAMES[option]}
        </a>
      ))}
      <form action={saveLanguage.bind(null, surface.token, surface.kind)}>
        <SurfaceFields surface={surface} locale={locale} />
        <button
          type="submit"
          className="text-[var(--link)] underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-[var(--brand-primary)]"
        >
          {saveLabel}
        </button>
      </form>
    </nav>
  );
}
