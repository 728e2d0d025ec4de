import { Card } from "@/components/ui/card";
import type { SignupNext } from "@/lib/forms/signup";
import { translator, type Locale } from "@/lib/platform/i18n";

const CONFIRM = { email: "signup.nextEmailConfirm", sms: "signup.nextSmsConfirm", whatsapp: "signup.nextWhatsappConfirm" } as const;

/** What happens next, per channel the person signed up by; the same words whoever they are. */
export function SignupDone({ locale, next, backPath }: { locale: Locale; next: SignupNext[]; backPath: string }) {
  const t = translator(locale);
  return (
    <Card>
      <div role="status">
        <h1 className="text-2xl font-bold">{t("signup.doneTitle")}</h1>
        <ul className="mt-4 space-y-3">
          {next.map((step) => (
            <li key={step.channel} data-next={`${step.channel}:${step.next}`}>
              {step.next === "confirm" ? t(CONFIRM[step.channel]) : t("signup.nextSubscribed", { channel: t(`channel.${step.channel}`) })}
              {step.chatUrl && (
                <>
                  {" "}
                  <a href={step.chatUrl} target="_blank" rel="noopener noreferrer" className="underline">
                    {t("signup.openWhatsapp")}
                  </a>
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      <p className="mt-6 text-sm">
        <a href={backPath} className="underline">
          {t("signup.back")}
        </a>
      </p>
    </Card>
  );
}
