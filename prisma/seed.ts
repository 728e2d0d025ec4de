import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/platform/db";
import { hashApiKey } from "@/lib/admin/api-keys";
import { addAdmin } from "@/lib/admin/membership-store";
import { recordFeedbackForEvent } from "@/lib/pages/feedback-store";
import { changeSubscription } from "@/lib/consent/preference-store";
import { createWorkspace, findWorkspaceBySlug } from "@/lib/admin/workspace-store";
import { createContact } from "@/lib/contacts/contact-store";
import { createApiKey, revokeApiKey } from "@/lib/admin/api-key-store";
import { createTopic } from "@/lib/admin/topic-store";
import { env } from "@/lib/platform/env";
import { twilioSignature } from "@/lib/inbound/twilio-signature";
import { mintLinks } from "@/lib/links/message-links";
import type { FormContent } from "@/lib/forms/form-content";
import { signupFormPath } from "@/lib/forms/signup";
import { generateWebhookSecret, signWebhook } from "@/lib/webhooks/standard-webhooks";

// The demo workspace: made once, kept across restarts (same id), described in .data/demo.json.

const DEMO_SLUG = "demo";
const DEMO_KEY_NAME = "Demo key";

const TOPICS = [
  {
    key: "newsletter",
    names: { en: "Newsletter", es: "Boletín", "pt-BR": "Newsletter", it: "Newsletter" },
    descriptions: {
      en: "Our monthly news and stories.",
      es: "Nuestras noticias e historias del mes.",
      "pt-BR": "Nossas notícias e histórias do mês.",
      it: "Le nostre notizie e storie del mese.",
    },
    channels: ["email"] as const,
    requiresOptIn: true,
  },
  {
    key: "offers",
    names: { en: "Offers", es: "Ofertas", "pt-BR": "Ofertas", it: "Offerte" },
    descriptions: {
      en: "Discounts and promotions.",
      es: "Descuentos y promociones.",
      "pt-BR": "Descontos e promoções.",
      it: "Sconti e promozioni.",
    },
    channels: ["email", "sms", "whatsapp"] as const,
    requiresOptIn: true,
  },
  {
    key: "reminders",
    names: { en: "Reminders", es: "Recordatorios", "pt-BR": "Lembretes", it: "Promemoria" },
    descriptions: {
      en: "Appointment and order reminders.",
      es: "Recordatorios de citas y pedidos.",
      "pt-BR": "Lembretes de agendamentos e pedidos.",
      it: "Promemoria di appuntamenti e ordini.",
    },
    channels: ["email", "sms", "whatsapp"] as const,
    requiresOptIn: false,
  },
];

const CONTACTS = [
  { externalId: "demo-en", email: "alex@example.com", phone: "+14155550101", whatsappId: "14155550101", locale: "en" },
  { externalId: "demo-es", email: "lucia@example.com", phone: "+5215555550102", whatsappId: "5215555550102", locale: "es" },
  { externalId: "demo-pt", email: "joao@example.com", phone: "+5511955550103", whatsappId: "5511955550103", locale: "pt-BR" },
  { externalId: "demo-it", email: "giulia@example.com", phone: "+393335550104", whatsappId: "393335550104", locale: "it" },
  { externalId: "demo-mx", email: "mateo@example.com", phone: "+5215555550105", whatsappId: null, locale: "es-MX" },
];

export type DemoContact = {
  id: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  unsubscribeUrl: string;
  oneClickUrl: string;
  preferencesUrl: string;
};

export type DemoFile = {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
  contacts: DemoContact[];
  /** Dashboard sign-in addresses (the magic link arrives by email). */
  admins: { email: string; role: "owner" | "viewer"; workspaceId: string }[];
  /** The inbound webhooks with their secrets, and a signed request to try each with curl. */
  inbound: DemoInbound;
  /** The demo sign-up form: its hosted page and the snippet that embeds it on another site. */
  signupForm: { id: string; hostedUrl: string; embedSnippet: string; allowedOrigins: string[] };
};

type DemoInbound = {
  sms: { url: string; twilioAuthToken: string; tryIt: string };
  whatsapp: { url: string; verifyToken: string; appSecret: string; tryIt: string };
  email: { url: string; secret: string | null; note: string };
  /** Bounce and complaint webhooks (docs/api.md), each with a request signed when the server started. */
  delivery: { resend: DemoDeliveryWebhook; generic: DemoDeliveryWebhook; note: string };
};

type DemoDeliveryWebhook = { url: string; secret: string; example: { headers: Record<string, string>; body: string }; tryIt: string };

/** Demo credentials for the inbound channels, made once and kept in the workspace (as an admin would set them). */
async function demoInboundSettings(workspaceId: string) {
  const current = await db().workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  if (current.twilioAuthToken && current.whatsappAppSecret && current.whatsappVerifyToken && current.twilioAccountSid) return current;
  const secret = () => randomBytes(16).toString("hex");
  return db().workspace.update({
    where: { id: workspaceId },
    data: {
      twilioAuthToken: current.twilioAuthToken ?? secret(),
      whatsappAppSecret: current.whatsappAppSecret ?? secret(),
      whatsappVerifyToken: current.whatsappVerifyToken ?? secret(),
      whatsappPhoneNumberId: current.whatsappPhoneNumberId ?? "100000000000001",
      // What SMS and WhatsApp opt-in confirmations go out with, to the local stand-in in demo mode.
      twilioAccountSid: `AC${secret()}`,
      twilioSender: "+15005550006",
      whatsappAccessToken: current.whatsappAccessToken ?? secret(),
      whatsappDisplayNumber: "+15550100001",
    },
  });
}

/** The demo's delivery-event secrets, made once and kept in the workspace. */
async function demoDeliverySecrets(workspaceId: string) {
  const current = await db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { resendWebhookSecret: true, deliveryWebhookSecret: true } });
  if (current.resendWebhookSecret && current.deliveryWebhookSecret) return current;
  return db().workspace.update({
    where: { id: workspaceId },
    data: {
      resendWebhookSecret: current.resendWebhookSecret ?? generateWebhookSecret(),
      deliveryWebhookSecret: current.deliveryWebhookSecret ?? generateWebhookSecret(),
    },
    select: { resendWebhookSecret: true, deliveryWebhookSecret: true },
  });
}

function demoDeliveryWebhook(url: string, secret: string, scheme: "svix" | "webhook", payload: unknown): DemoDeliveryWebhook {
  const body = JSON.stringify(payload);
  const signed = signWebhook(secret, `msg_demo_${randomBytes(8).toString("hex")}`, new Date(), body);
  const headers = {
    "Content-Type": "application/json",
    [`${scheme}-id`]: signed["webhook-id"],
    [`${scheme}-timestamp`]: signed["webhook-timestamp"],
    [`${scheme}-signature`]: signed["webhook-signature"],
  };
  const flags = Object.entries(headers)
    .map(([name, value]) => `-H '${name}: ${value}'`)
    .join(" ");
  return { url, secret, example: { headers, body }, tryIt: `curl -s ${url} ${flags} --data '${body}'` };
}

/**
 * A spam complaint as Resend reports it (the second demo contact leaves every marketing email topic), and
 * a hard bounce in the generic format (the fourth contact's address is suppressed, reason bounced).
 */
async function demoDelivery(workspaceId: string, baseUrl: string, contacts: { id: string; email: string | null }[]): Promise<DemoInbound["delivery"]> {
  const secrets = await demoDeliverySecrets(workspaceId);
  const now = new Date().toISOString();
  const complainer = contacts.filter((c) => c.email)[1] ?? contacts[0];
  const bouncer = contacts.filter((c) => c.email)[3] ?? contacts[0];
  return {
    resend: demoDeliveryWebhook(`${baseUrl}/api/inbound/resend/${workspaceId}`, secrets.resendWebhookSecret!, "svix", {
      type: "email.complained",
      created_at: now,
      data: {
        email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c",
        created_at: now,
        from: "Demo <news@example.com>",
        to: [complainer?.email],
        subject: "Our newsletter",
        tags: { message_id: "demo-newsletter" },
      },
    }),
    generic: demoDeliveryWebhook(`${baseUrl}/api/inbound/delivery/${workspaceId}`, secrets.deliveryWebhookSecret!, "webhook", {
      type: "bounce",
      bounceType: "hard",
      contactId: bouncer?.id,
      messageId: "demo-newsletter",
      occurredAt: now,
    }),
    note: "Each example is signed when the server starts and is accepted for 5 minutes; after that, sign again with the secret (Standard Webhooks: HMAC-SHA256 of '<id>.<timestamp>.<body>'). A second send with the same id changes nothing.",
  };
}

/** Requests signed exactly as Twilio and Meta sign theirs, so a newcomer can watch a STOP land. */
async function demoInbound(workspaceId: string, baseUrl: string, phone: string): Promise<Omit<DemoInbound, "delivery">> {
  const settings = await demoInboundSettings(workspaceId);
  const smsUrl = `${baseUrl}/api/inbound/twilio/${workspaceId}`;
  const smsForm = { From: phone, To: "+15005550006", Body: "STOP", MessageSid: "SMdemo0000000000000000000000000001" };
  const smsSignature = twilioSignature(settings.twilioAuthToken!, smsUrl, smsForm);
  const whatsappUrl = `${baseUrl}/api/inbound/whatsapp/${workspaceId}`;
  const whatsappBody = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "demo",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { phone_number_id: settings.whatsappPhoneNumberId },
              messages: [{ from: phone.replace(/\D/g, ""), id: "wamid.demo1", timestamp: "1700000000", type: "text", text: { body: "BAJA" } }],
            },
          },
        ],
      },
    ],
  });
  const whatsappSignature = `sha256=${createHmac("sha256", settings.whatsappAppSecret!).update(whatsappBody).digest("hex")}`;
  return {
    sms: {
      url: smsUrl,
      twilioAuthToken: settings.twilioAuthToken!,
      tryIt: `curl -s ${smsUrl} -H 'X-Twilio-Signature: ${smsSignature}' ${Object.entries(smsForm)
        .map(([k, v]) => `--data-urlencode '${k}=${v}'`)
        .join(" ")}`,
    },
    whatsapp: {
      url: whatsappUrl,
      verifyToken: settings.whatsappVerifyToken!,
      appSecret: settings.whatsappAppSecret!,
      tryIt: `curl -s ${whatsappUrl} -H 'Content-Type: application/json' -H 'X-Hub-Signature-256: ${whatsappSignature}' --data '${whatsappBody}'`,
    },
    email: {
      url: `${baseUrl}/api/inbound/email`,
      secret: env().INBOUND_EMAIL_SECRET ?? null,
      note: "Signed per request by the Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature; or Resend's svix-* headers) within 5 minutes: see the README.",
    },
  };
}

const ADMINS = [
  { email: "admin@example.com", role: "owner" as const },
  { email: "viewer@example.com", role: "viewer" as const },
  // Who looks after the sign-up forms (and whom their browser test signs in as, apart from the others').
  { email: "marketing@example.com", role: "owner" as const },
  { email: "analyst@example.com", role: "viewer" as const },
];

// People who left, and said why: so the dashboard has something to show on day one.
const LEAVERS = [
  {
    externalId: "demo-leaver-1",
    email: "sam@example.com",
    locale: "en",
    channel: "email" as const,
    topic: "offers",
    reason: "too_frequent" as const,
    comment: "Three emails a week is too many.",
  },
  {
    externalId: "demo-leaver-2",
    email: "ana@example.com",
    locale: "es",
    channel: "email" as const,
    topic: "newsletter",
    reason: "not_relevant" as const,
    comment: "No me interesa el boletín.",
  },
  {
    externalId: "demo-leaver-3",
    email: "rui@example.com",
    locale: "pt-BR",
    channel: "sms" as const,
    topic: undefined,
    reason: "prefer_other_channel" as const,
    comment: "Prefiro receber por WhatsApp.",
  },
];

// Messages as the send log records them (POST /api/v1/sends), with who left or complained through
// each: so the messages view ranks something on day one. The audience got them all today.
const AUDIENCE_SIZE = 60;
const MESSAGES = [
  {
    messageId: "black-friday/early-access",
    topic: "offers",
    audience: AUDIENCE_SIZE,
    leavers: [
      { reason: "too_frequent" as const, comment: "Four emails about one sale." },
      { reason: "never_signed_up" as const, comment: null },
    ],
    complaints: 1,
  },
  { messageId: "weekly tips #12", topic: "newsletter", audience: 40, leavers: [{ reason: "not_relevant" as const, comment: "Not for me." }], complaints: 0 },
];

/** The demo's sends and the opt-outs and complaints that came of them, once. */
async function seedDemoMessages(workspaceId: string) {
  if (await db().send.findFirst({ where: { workspaceId }, select: { id: true } })) return;
  const audience: string[] = [];
  for (let i = 1; i <= AUDIENCE_SIZE; i++) {
    const n = String(i).padStart(2, "0");
    const { id } = await createContact(workspaceId, { externalId: `demo-audience-${n}`, email: `audience-${n}@example.com`, locale: "en" }, "import");
    audience.push(id);
  }
  const topics = await db().topic.findMany({ where: { workspaceId }, select: { id: true, key: true } });
  const earlier = await db().contact.findMany({
    where: { workspaceId, externalId: { in: [...CONTACTS, ...LEAVERS].map((c) => c.externalId) } },
    select: { id: true },
  });
  const sends = [
    ...[...earlier.map((c) => c.id), ...audience].map((contactId) => ({ contactId, messageId: "demo-newsletter", topic: "newsletter" })),
    ...MESSAGES.flatMap((message) =>
      audience.slice(0, message.audience).map((contactId) => ({ contactId, messageId: message.messageId, topic: message.topic })),
    ),
  ];
  await db().send.createMany({
    data: sends.map((send) => ({
      workspaceId,
      contactId: send.contactId,
      channel: "email" as const,
      topicId: topics.find((t) => t.key === send.topic)?.id ?? null,
      messageId: send.messageId,
    })),
  });
  // Each message's first recipients left through it, the next ones complained.
  for (const message of MESSAGES) {
    for (const [i, leaver] of message.leavers.entries()) {
      const scope = { workspaceId, contactId: audience[i], channel: "email" as const, topicKey: message.topic };
      await changeSubscription({ ...scope, status: "subscribed", evidence: { source: "import" } });
      const { consentEventId } = await changeSubscription({
        ...scope,
        status: "unsubscribed",
        evidence: { source: "one_click", messageId: message.messageId },
      });
      await recordFeedbackForEvent(workspaceId, audience[i], consentEventId!, leaver.reason, leaver.comment);
    }
    for (let i = message.leavers.length; i < message.leavers.length + message.complaints; i++) {
      await changeSubscription({
        workspaceId,
        contactId: audience[i],
        channel: "email",
        status: "unsubscribed",
        evidence: { source: "complaint", messageId: message.messageId },
      });
    }
  }
}

/** A second business, so that a newcomer sees one admin never reaches another workspace. */
async function seedOtherWorkspace() {
  const existing = await findWorkspaceBySlug("globex");
  const globex = existing ?? (await createWorkspace({ slug: "globex", name: "Globex", defaultLocale: "en", enabledChannels: ["email"] }));
  if (!existing) await createContact(globex.id, { externalId: "globex-1", email: "pat@example.com", locale: "en" }, "import");
  await addAdmin(globex.id, "owner@globex.example", "owner");
  return globex;
}

async function readDemoFile(file: string): Promise<Partial<DemoFile>> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, "utf8")) as Partial<DemoFile>;
  } catch {
    return {};
  }
}

const DEMO_FORM_NAME = "Newsletter sign-up";
/** The page `node tests/e2e/host-server.mjs` serves: a business's site on another origin, for trying the embed. */
const DEMO_FORM_ORIGINS = ["http://localhost:3199"];

const DEMO_FORM_CONTENT: FormContent = {
  channels: [
    { channel: "email", topics: ["newsletter", "offers"], doubleOptIn: true },
    { channel: "sms", topics: ["offers"], doubleOptIn: true },
  ],
  privacyPolicyUrl: "https://acme.example/privacy",
  defaultLocale: "en",
  wording: {
    en: {
      title: "Stay in touch with Acme",
      intro: "Pick what you want to hear about. You can leave at any time.",
      consent: {
        email: "I agree to receive the emails I tick from Acme. I can unsubscribe at any time from any email.",
        sms: "I agree to receive recurring marketing texts from Acme for the topics I tick. Msg & data rates may apply. Reply HELP for help, STOP to stop.",
      },
      submit: "Sign me up",
    },
    es: {
      title: "Mantente en contacto con Acme",
      intro: "Elige de qué quieres saber. Puedes darte de baja cuando quieras.",
      consent: {
        email: "Acepto recibir de Acme los correos que marco. Puedo darme de baja en cualquier momento desde cualquier correo.",
        sms: "Acepto recibir SMS de marketing recurrentes de Acme sobre los temas que marco. Pueden aplicarse tarifas de mensajes y datos. Responde AYUDA para ayuda, BAJA para dejar de recibirlos.",
      },
      submit: "Suscribirme",
    },
    "pt-BR": {
      title: "Fique em contato com a Acme",
      intro: "Escolha o que quer receber. Você pode sair quando quiser.",
      consent: {
        email: "Aceito receber da Acme os e-mails que marquei. Posso cancelar a qualquer momento em qualquer e-mail.",
        sms: "Aceito receber SMS de marketing recorrentes da Acme sobre os temas que marquei. Podem ser cobradas tarifas de mensagens e dados. Responda AJUDA para ajuda, SAIR para parar.",
      },
      submit: "Quero receber",
    },
    it: {
      title: "Resta in contatto con Acme",
      intro: "Scegli cosa vuoi ricevere. Puoi disiscriverti quando vuoi.",
      consent: {
        email: "Acconsento a ricevere da Acme le email che ho spuntato. Posso disiscrivermi in qualsiasi momento da ogni email.",
        sms: "Acconsento a ricevere SMS di marketing ricorrenti da Acme sugli argomenti che ho spuntato. Possono essere applicati costi per messaggi e dati. Rispondi AIUTO per aiuto, STOP per smettere.",
      },
      submit: "Iscrivimi",
    },
  },
};

/** The demo sign-up form, made once: email with double opt-in and SMS, embeddable from the local host page. */
async function seedDemoForm(workspaceId: string, baseUrl: string): Promise<DemoFile["signupForm"]> {
  let form = await db().signupForm.findFirst({ where: { workspaceId, name: DEMO_FORM_NAME } });
  if (!form) {
    form = await db().signupForm.create({ data: { workspaceId, name: DEMO_FORM_NAME, allowedOrigins: DEMO_FORM_ORIGINS } });
    await db().signupFormVersion.create({ data: { workspaceId, formId: form.id, version: 1, content: DEMO_FORM_CONTENT } });
  }
  return {
    id: form.id,
    hostedUrl: `${baseUrl}${signupFormPath(form.id, "hosted")}`,
    embedSnippet: `<script src="${baseUrl}/embed.js" data-form="${form.id}" async></script>`,
    allowedOrigins: form.allowedOrigins,
  };
}

/** The demo API key from an earlier demo.json when it is still valid; otherwise a fresh one. */
async function demoApiKey(workspaceId: string, previous: Partial<DemoFile>): Promise<string> {
  if (previous.apiKey) {
    const live = await db().apiKey.findFirst({ where: { workspaceId, hash: hashApiKey(previous.apiKey), revokedAt: null } });
    if (live) return previous.apiKey;
  }
  const stale = await db().apiKey.findMany({ where: { workspaceId, name: DEMO_KEY_NAME, revokedAt: null } });
  for (const key of stale) await revokeApiKey(workspaceId, key.id);
  return (await createApiKey(workspaceId, DEMO_KEY_NAME)).key;
}

/** Seeds the demo workspace unless it exists, then writes demo.json in dataDir. */
export async function seedDemo(dataDir: string, baseUrl: string): Promise<DemoFile> {
  let workspace = await findWorkspaceBySlug(DEMO_SLUG);
  if (!workspace) {
    workspace = await createWorkspace({
      slug: DEMO_SLUG,
      name: "Acme",
      defaultLocale: "en",
      enabledChannels: ["email", "sms", "whatsapp"],
    });
    for (const [position, topic] of TOPICS.entries()) {
      await createTopic(workspace.id, { ...topic, channels: [...topic.channels], position });
    }
    for (const leaver of LEAVERS) {
      const { id } = await createContact(workspace.id, { externalId: leaver.externalId, email: leaver.email, phone: null, locale: leaver.locale }, "import");
      if (leaver.topic) {
        await changeSubscription({
          workspaceId: workspace.id,
          contactId: id,
          channel: leaver.channel,
          topicKey: leaver.topic,
          status: "subscribed",
          evidence: { source: "import" },
        });
      }
      const { consentEventId } = await changeSubscription({
        workspaceId: workspace.id,
        contactId: id,
        channel: leaver.channel,
        topicKey: leaver.topic,
        status: "unsubscribed",
        evidence: { source: leaver.topic ? "one_click" : "preference_page", messageId: "demo-newsletter" },
      });
      await recordFeedbackForEvent(workspace.id, id, consentEventId!, leaver.reason, leaver.comment);
    }
    for (const contact of CONTACTS) {
      const { id } = await createContact(workspace.id, contact, "import");
      // Everyone signed up for the newsletter and offers by email, as an import would record it.
      for (const topicKey of ["newsletter", "offers"]) {
        await changeSubscription({
          workspaceId: workspace.id,
          contactId: id,
          channel: "email",
          topicKey,
          status: "subscribed",
          evidence: { source: "import", details: { note: "demo seed" } },
        });
      }
    }
  }

  await seedDemoMessages(workspace.id);
  for (const admin of ADMINS) await addAdmin(workspace.id, admin.email, admin.role);
  const globex = await seedOtherWorkspace();

  const file = path.join(dataDir, "demo.json");
  const previous = await readDemoFile(file);
  const contacts = await db().contact.findMany({
    where: { workspaceId: workspace.id, erasedAt: null, externalId: { in: CONTACTS.map((c) => c.externalId) } },
    orderBy: [{ createdAt: "asc" }, { externalId: "asc" }],
  });
  const demo: DemoFile = {
    baseUrl,
    apiKey: await demoApiKey(workspace.id, previous),
    workspaceId: workspace.id,
    // Links for the newsletter by email, as a newsletter's footer would carry them.
    contacts: await Promise.all(
      contacts.map(async (c) => {
        const links = await mintLinks({ workspaceId: workspace.id, contactId: c.id, channel: "email", topic: "newsletter", messageId: "demo-newsletter" });
        return {
          id: c.id,
          email: c.email,
          phone: c.phone,
          locale: c.locale,
          unsubscribeUrl: links.unsubscribeUrl,
          oneClickUrl: links.oneClickUrl,
          preferencesUrl: links.preferencesUrl,
        };
      }),
    ),
    admins: [...ADMINS.map((admin) => ({ ...admin, workspaceId: workspace.id })), { email: "owner@globex.example", role: "owner", workspaceId: globex.id }],
    inbound: {
      ...(await demoInbound(workspace.id, baseUrl, contacts.find((c) => c.phone)?.phone ?? "+15005550009")),
      delivery: await demoDelivery(workspace.id, baseUrl, contacts),
    },
    signupForm: await seedDemoForm(workspace.id, baseUrl),
  };
  await writeFile(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return demo;
}
