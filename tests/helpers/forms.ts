import type { FormContent } from "@/lib/forms/form-content";
import type { FormSettings } from "@/lib/forms/form-editor";

/** A form's content as an owner writes it: email (double opt-in) and SMS, English and Spanish. */
export function testFormContent(overrides: Partial<FormContent> = {}): FormContent {
  return {
    channels: [
      { channel: "email", topics: ["offers"], doubleOptIn: true },
      { channel: "sms", topics: ["offers", "reminders"], doubleOptIn: true },
    ],
    privacyPolicyUrl: "https://shop.example/privacy",
    defaultLocale: "en",
    wording: {
      en: {
        title: "Join us",
        intro: "",
        consent: { email: "Email me offers. Unsubscribe any time.", sms: "Text me offers and reminders. Msg & data rates may apply." },
        submit: "Sign up",
      },
      es: {
        title: "Únete",
        intro: "",
        consent: { email: "Envíame ofertas por email.", sms: "Envíame ofertas por SMS." },
        submit: "Suscribirme",
      },
    },
    ...overrides,
  };
}

export function testFormSettings(overrides: Partial<FormSettings> = {}): FormSettings {
  return { name: "Newsletter footer", allowedOrigins: ["https://shop.example"], content: testFormContent(), ...overrides };
}
