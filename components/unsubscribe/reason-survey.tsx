import { SecondaryButton } from "@/components/ui/card";
import type { Translate } from "@/lib/i18n";
import { OPT_OUT_REASONS } from "@/lib/schemas/opt-out-reason";

/** The optional "why?" question. The opt-out is already saved; answering or not changes nothing of it. */
export function ReasonSurvey({ action, t, invalid }: { action: (form: FormData) => Promise<void>; t: Translate; invalid: boolean }) {
  return (
    <form action={action} className="mt-8 border-t border-slate-200 pt-6" aria-describedby={invalid ? "reason-error" : undefined}>
      <fieldset>
        <legend className="text-base font-semibold">{t("reason.question")}</legend>
        <div className="mt-3 grid gap-2">
          {OPT_OUT_REASONS.map((reason) => (
            <label key={reason} className="flex cursor-pointer items-center gap-3 rounded-lg border border-slate-200 px-3 py-2 hover:bg-slate-50">
              <input type="radio" name="reason" value={reason} required className="size-4 accent-blue-800" />
              <span>{t(`reason.${reason}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor="reason-comment" className="mt-4 block font-medium">
        {t("reason.comment")}
      </label>
      <textarea id="reason-comment" name="comment" maxLength={1000} rows={3} className="mt-1 w-full rounded-lg border border-slate-400 p-2" />
      {invalid && (
        <p id="reason-error" role="alert" className="mt-2 text-red-800">
          {t("reason.invalid")}
        </p>
      )}
      <div className="mt-4">
        <SecondaryButton>{t("reason.submit")}</SecondaryButton>
      </div>
    </form>
  );
}
