import "server-only";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db";
import { hashApiKey } from "@/lib/api-keys";
import { changeSubscription } from "@/lib/data/preferences";
import { createApiKey, createContact, createTopic, createWorkspace, findWorkspaceBySlug, revokeApiKey } from "@/lib/data/workspaces";
import { mintLinks } from "@/lib/links";

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

export type DemoFile = { baseUrl: string; apiKey: string; workspaceId: string; contacts: DemoContact[] };

async function readDemoFile(file: string): Promise<Partial<DemoFile>> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, "utf8")) as Partial<DemoFile>;
  } catch {
    return {};
  }
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
    for (const contact of CONTACTS) {
      const { id } = await createContact(workspace.id, contact);
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

  const file = path.join(dataDir, "demo.json");
  const previous = await readDemoFile(file);
  const contacts = await db().contact.findMany({
    where: { workspaceId: workspace.id, erasedAt: null },
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
  };
  await writeFile(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return demo;
}
