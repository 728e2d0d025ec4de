import { saveLanguage } from "@/lib/actions/preferences";
import { LOCALES, type Locale } from "@/lib/i18n";
import { preferencesPagePath } from "@/lib/links";
import { LANGUAGE_NAMES } from "@/lib/preferences-page";

/** Links that show the page in another language (reading only), and a form that keeps the choice. */
export function LanguageSwitcher({ token, locale, label, saveLabel }: { token: string; locale: Locale; label: string; saveLabel: string }) {
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
      <span className="font-medium text-slate-800">{label}:</span>
      {LOCALES.map((option) => (
        <a
          key={option}
          href={`${preferencesPagePath(token)}?lang=${option}`}
          hrefLang={option}
          lang={option}
          aria-current={option === locale ? "true" : undefined}
          className={option === locale ? "font-semibold text-slate-900 underline" : "text-blue-800 underline underline-offset-2"}
        >
          {LANGUAGE_NAMES[option]}
        </a>
      ))}
      <form action={saveLanguage.bind(null, token)}>
        <input type="hidden" name="locale" value={locale} />
        <button type="submit" className="text-blue-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-blue-800">
          {saveLabel}
        </button>
      </form>
    </nav>
  );
}
