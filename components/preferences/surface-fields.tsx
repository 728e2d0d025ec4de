import type { Locale } from "@/lib/platform/i18n";
import type { Surface } from "@/lib/pages/preferences-surface";

/** Hidden fields every form of the page carries: the language shown and, embedded, the parent origin. */
export function SurfaceFields({ surface, locale }: { surface: Surface; locale: Locale }) {
  return (
    <>
      <input type="hidden" name="locale" value={locale} />
      {surface.parent && <input type="hidden" name="parent" value={surface.parent} />}
    </>
  );
}
