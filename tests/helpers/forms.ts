import type { FormContent } from "@/lib/forms/form-content";
import type { FormSettings } from "@/lib/forms/form-editor";

/** What a workspace needs to send SMS and WhatsApp confirmations, as Settings stores it (`integrations:`). */
export const CONFIRMATION_SETTINGS = {
  twilioAccountSid: `AC${"0123456789abcdef".repeat(2)}`,
  twilioAuthToken: "twilio-auth-token-0123456789abcdef",
  twilioSender: "+14155238886",
  whatsappDisplayNumber: "+15550783881",
};

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
