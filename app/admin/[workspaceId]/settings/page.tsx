import { SecretOnceForm } from "@/components/admin/secret-once-form";
import { TopicFields } from "@/components/admin/topic-fields";
import { SendingLimitsForm } from "@/components/admin/sending-limits-form";
import { BrandingFields } from "@/components/admin/branding-preview";
import { Section } from "@/components/admin/section";
import { requireMember } from "@/lib/admin/auth";
import {
  createApiKeyAction,
  createWebhookAction,
  setWebhookEnabledAction,
  createTopicAction,
  moveTopicAction,
  retireSigningKeyAction,
  retireTopicAction,
  saveChannelsAction,
  updateTopicAction,
  replayDeliveryAction,
  revokeApiKeyAction,
  rotateSigningKeyAction,
  saveEmbedSettingsAction,
  saveIntegrationsAction,
  saveSendingAction,
} from "@/lib/admin/admin-actions";
import { CHANNELS } from "@/lib/consent/channels";
import { listSigningKeys } from "@/lib/links/signing-key-store";
import { listApiKeys } from "@/lib/admin/api-key-store";
import { getEnabledChannels } from "@/lib/admin/workspace-store";
import { listTopics } from "@/lib/admin/topic-store";
import { listDeliveries } from "@/lib/webhooks/webhook-store";
import { getEmbedSettings, getIntegrationStatus, getSendingSettings } from "@/lib/admin/workspace-store";
import { listWebhookEndpoints } from "@/lib/webhooks/webhook-store";
import { env } from "@/lib/platform/env";
import { localizedText } from "@/lib/platform/i18n";
import { DeliveryStatus } from "@/lib/generated/prisma/enums";
import { MAX_DELIVERY_ATTEMPTS } from "@/lib/webhooks/backoff";

export const dynamic = "force-dynamic";

const button = "rounded bg-blue-800 px-3 py-1 text-white";
const link = "text-blue-800 underline";

const DELIVERY_STATUSES = Object.values(DeliveryStatus);

const INTEGRATION_LABELS = [
  ["twilioAuthToken", "Twilio auth token", "password"],
  ["twilioAccountSid", "Twilio account SID (AC…, for SMS opt-in texts)", "text"],
  ["twilioSender", "Twilio sender: number (+1…) or Messaging Service SID (MG…)", "text"],
  ["whatsappAppSecret", "WhatsApp app secret", "password"],
  ["whatsappVerifyToken", "WhatsApp verify token", "password"],
  ["whatsappAccessToken", "WhatsApp access token (for replies)", "password"],
  ["whatsappPhoneNumberId", "WhatsApp phone number id", "text"],
  ["whatsappDisplayNumber", "WhatsApp business number (+1…, for click-to-chat opt-in)", "text"],
  ["resendWebhookSecret", "Resend webhook signing secret (bounces, complaints)", "password"],
  ["deliveryWebhookSecret", "Delivery-event secret (generic format)", "password"],
  ["resendApiKey", "Resend API key", "password"],
  ["resendAudienceId", "Resend audience id", "text"],
] as const;

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A pending delivery of a disabled endpoint waits, unattempted, until the endpoint is enabled again. */
function held(delivery: { status: DeliveryStatus; endpoint: { enabled: boolean } | null }): boolean {
  return delivery.status === "pending" && delivery.endpoint?.enabled === false;
}

// Topics, the embed page's origins and brand, API keys, webhooks and their deliveries, and signing keys. Owners change; viewers read.
export default async function SettingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspaceId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const [{ workspaceId }, query] = await Promise.all([params, searchParams]);
  const { membership } = await requireMember(workspaceId);
  const deliveryStatus = DELIVERY_STATUSES.find((status) => status === query.deliveries);
  const appUrl = env().APP_URL;
  const [topics, embed, apiKeys, signingKeys, webhooks, deliveries, integrations, enabledChannels, sending] = await Promise.all([
    listTopics(workspaceId),
    getEmbedSettings(workspaceId),
    listApiKeys(workspaceId),
    listSigningKeys(workspaceId),
    listWebhookEndpoints(workspaceId),
    listDeliveries(workspaceId, { status: deliveryStatus }),
    getIntegrationStatus(workspaceId),
    getEnabledChannels(workspaceId),
    getSendingSettings(workspaceId),
  ]);
  const owner = membership.role === "owner";
  const error = query.error === "forbidden" ? "Viewers can read but not change settings." : query.error;

  return (
    <div className="grid gap-6">
      <h1 className="text-2xl font-bold">Settings</h1>
      <div role="status" aria-live="polite">
        {error && <p className="rounded bg-red-50 p-3 text-red-900">{error}</p>}
        {query.saved && !error && <p className="rounded bg-green-50 p-3 text-green-900">Saved.</p>}
        {!owner && <p className="rounded bg-slate-100 p-3">You are a viewer: you can read these settings but not change them.</p>}
      </div>

      <Section id="channels" title="Channels">
        <form action={saveChannelsAction.bind(null, workspaceId)} className="mt-3 flex flex-wrap items-center gap-4 text-sm">
          <fieldset className="flex gap-4">
            <legend className="sr-only">Enabled channels</legend>
            {CHANNELS.map((channel) => (
              <label key={channel}>
                <input type="checkbox" name="channels" value={channel} defaultChecked={enabledChannels.includes(channel)} /> {channel}
              </label>
            ))}
          </fieldset>
          <button type="submit" className={button}>
            Save channels
          </button>
        </form>
        <p className="mt-2 text-xs text-slate-600">
          A channel enabled now is on by default only for contacts created from now on; everyone else gets it when they opt in.
        </p>
      </Section>

      <Section id="topics" title="Topics">
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col">Key</th>
              <th scope="col">Name</th>
              <th scope="col">Channels</th>
              <th scope="col">Needs opt-in</th>
              <th scope="col">Kind</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {topics.map((topic) => (
              <tr key={topic.id} className="border-b border-slate-100">
                <td className="py-1 font-mono">{topic.key}</td>
                <td>{localizedText(topic.names, "en")}</td>
                <td>{topic.channels.join(", ")}</td>
                <td>{topic.requiresOptIn ? "yes" : "no"}</td>
                <td>{topic.kind}</td>
                <td className="flex gap-2 py-1">
                  {topic.retiredAt ? (
                    <span className="text-slate-600">retired</span>
                  ) : (
                    <>
                      <form action={moveTopicAction.bind(null, workspaceId, topic.id, "up")}>
                        <button type="submit" className={link} aria-label={`Move ${topic.key} up`}>
                          ↑
                        </button>
                      </form>
                      <form action={moveTopicAction.bind(null, workspaceId, topic.id, "down")}>
                        <button type="submit" className={link} aria-label={`Move ${topic.key} down`}>
                          ↓
                        </button>
                      </form>
                      <form action={retireTopicAction.bind(null, workspaceId, topic.id)}>
                        <button type="submit" className={link}>
                          Retire {topic.key}
                        </button>
                      </form>
                      <details>
                        <summary className={`${link} cursor-pointer`}>Edit {topic.key}</summary>
                        <form action={updateTopicAction.bind(null, workspaceId, topic.id)} className="mt-2 grid gap-2 md:grid-cols-2">
                          <TopicFields
                            topic={{
                              names: topic.names,
                              descriptions: topic.descriptions,
                              channels: topic.channels,
                              requiresOptIn: topic.requiresOptIn,
                              kind: topic.kind,
                            }}
                          />
                          <div>
                            <button type="submit" className={button}>
                              Save {topic.key}
                            </button>
                          </div>
                        </form>
                      </details>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form action={createTopicAction.bind(null, workspaceId)} className="mt-4 grid gap-2 text-sm md:grid-cols-2">
          <h3 className="font-semibold md:col-span-2">New topic</h3>
          <label>
            Key <input name="key" required pattern="[a-z0-9][a-z0-9_-]*" className="ml-1 rounded border border-slate-400 p-1" />
          </label>
          <TopicFields />
          <div>
            <button type="submit" className={button}>
              Create topic
            </button>
          </div>
        </form>
      </Section>

      <Section id="sending" title="Sending limits">
        <SendingLimitsForm
          action={saveSendingAction.bind(null, workspaceId)}
          timeZone={sending.timeZone}
          sendLimits={sending.sendLimits}
          channels={enabledChannels}
          topics={topics
            .filter((topic) => !topic.retiredAt && topic.kind === "marketing")
            .map((topic) => ({ key: topic.key, channels: topic.channels.filter((channel) => enabledChannels.includes(channel)) }))}
        />
      </Section>

      <Section id="embed" title="Embedding and brand">
        <form action={saveEmbedSettingsAction.bind(null, workspaceId)} className="mt-3 grid gap-4">
          <label className="text-sm">
            Allowed embed origins, one per line (https://app.example.com, or http://localhost:5173 for development)
            <textarea
              name="origins"
              rows={3}
              defaultValue={embed?.allowedEmbedOrigins.join("\n")}
              className="mt-1 block w-full rounded border border-slate-400 p-2 font-mono"
            />
          </label>
          {embed && <BrandingFields initial={embed.branding} />}
          <div>
            <button type="submit" className={button}>
              Save embedding and brand
            </button>
          </div>
        </form>
        <p className="mt-4 text-sm">The snippet for your site (with a preferences token from POST /api/v1/links):</p>
        <pre className="mt-1 overflow-x-auto rounded bg-slate-100 p-3 text-xs">{`<script src="${env().APP_URL}/embed.js" data-token="TOKEN" async></script>`}</pre>
      </Section>

      <Section id="api-keys" title="API keys">
        <ul className="mt-3 grid gap-1 text-sm">
          {apiKeys.map((key) => (
            <li key={key.id} className="flex flex-wrap items-center gap-3">
              <span className="font-mono">pck_{key.prefix}_…</span>
              <span>{key.name}</span>
              <span className="text-slate-600">{key.scopes.join(", ")}</span>
              <span className="text-slate-600">{key.lastUsedAt ? `used ${key.lastUsedAt.toISOString().slice(0, 10)}` : "never used"}</span>
              {key.revokedAt ? (
                <span className="text-slate-600">revoked</span>
              ) : (
                <form action={revokeApiKeyAction.bind(null, workspaceId, key.id)}>
                  <button type="submit" className={link}>
                    Revoke {key.name}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        <SecretOnceForm action={createApiKeyAction.bind(null, workspaceId)} submitLabel="Create key">
          <label>
            Name <input name="name" required maxLength={80} className="ml-1 rounded border border-slate-400 p-1" />
          </label>
          <label>
            <input type="checkbox" name="scopes" value="read" defaultChecked /> read
          </label>
          <label>
            <input type="checkbox" name="scopes" value="write" defaultChecked /> write
          </label>
        </SecretOnceForm>
      </Section>

      <Section id="webhooks" title="Webhook endpoints">
        <p className="mt-1 text-sm text-slate-700">
          Every change of consent is sent as a consent.changed event to each endpoint: a POST signed with the endpoint&apos;s secret (Standard Webhooks: the
          webhook-id, webhook-timestamp and webhook-signature headers). An endpoint that does not answer 2xx within {env().WEBHOOK_TIMEOUT_MS / 1000} seconds is
          tried again with growing pauses, {MAX_DELIVERY_ATTEMPTS} attempts over a little more than a day; then the delivery is dead, and you can replay it
          below. While an endpoint is disabled its events are held, spending no attempts, and sent once it is enabled again. Delivered events are kept{" "}
          {env().RETENTION_OUTBOX_DAYS} days; dead and held ones {env().RETENTION_DEAD_LETTER_DAYS} days. With a Resend API key and audience set for this
          workspace, an opt-out of email also marks the contact unsubscribed in that audience.
        </p>
        <ul className="mt-3 grid gap-1 text-sm">
          {webhooks.map((endpoint) => (
            <li key={endpoint.id} className="flex flex-wrap items-center gap-3">
              <span className="font-mono">{endpoint.url}</span>
              <span>{endpoint.enabled ? "enabled" : "disabled"}</span>
              <form action={setWebhookEnabledAction.bind(null, workspaceId, endpoint.id, !endpoint.enabled)}>
                <button type="submit" className={link}>
                  {endpoint.enabled ? "Disable" : "Enable"} {endpoint.url}
                </button>
              </form>
            </li>
          ))}
        </ul>
        <SecretOnceForm action={createWebhookAction.bind(null, workspaceId)} submitLabel="Add endpoint">
          <label>
            URL <input name="url" type="url" required className="ml-1 w-96 max-w-full rounded border border-slate-400 p-1" />
          </label>
        </SecretOnceForm>
        <h3 id="deliveries" className="mt-5 font-semibold">
          Recent deliveries
        </h3>
        <nav aria-label="Filter deliveries" className="mt-1 flex gap-3 text-sm">
          {[undefined, ...DELIVERY_STATUSES].map((status) =>
            status === deliveryStatus ? (
              <span key={status ?? "all"} aria-current="page" className="font-semibold">
                {status ?? "all"}
              </span>
            ) : (
              <a key={status ?? "all"} href={`/admin/${workspaceId}/settings${status ? `?deliveries=${status}` : ""}#deliveries`} className={link}>
                {status ?? "all"}
              </a>
            ),
          )}
        </nav>
        {deliveries.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">No deliveries{deliveryStatus ? ` ${deliveryStatus}` : ""} yet.</p>
        ) : (
          <table className="mt-2 w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col">Queued</th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Next attempt</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((delivery) => (
                <tr key={delivery.id} className="border-b border-slate-100">
                  <td className="py-1">{utc(delivery.createdAt)}</td>
                  <td className="font-mono">{delivery.endpoint?.url ?? (delivery.target === "resend" ? "Resend audience" : delivery.target)}</td>
                  <td>
                    {delivery.status === "delivered" && delivery.deliveredAt
                      ? `delivered ${utc(delivery.deliveredAt)}`
                      : held(delivery)
                        ? "held: endpoint disabled"
                        : delivery.status}
                  </td>
                  <td>{delivery.attempts}</td>
                  <td>{delivery.lastError ?? ""}</td>
                  <td>{held(delivery) ? "once enabled" : delivery.status === "pending" ? utc(delivery.nextAttemptAt) : ""}</td>
                  <td className="py-1">
                    {delivery.status === "dead" && (
                      <form action={replayDeliveryAction.bind(null, workspaceId, delivery.id)}>
                        <button type="submit" className={link} aria-label={`Replay the delivery queued ${utc(delivery.createdAt)}`}>
                          Replay
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section id="integrations" title="Inbound channels and Resend sync">
        <p className="mt-1 text-sm text-slate-700">
          People can also leave by replying STOP (or BAJA, SAIR, DISISCRIVI…) to an SMS or a WhatsApp message, or by writing to the unsubscribe address, and
          confirm an SMS or WhatsApp opt-in by replying YES (SÍ, SIM, SÌ): the SMS confirmation is texted through your Twilio account (SID, auth token, sender),
          the WhatsApp one starts from a click-to-chat link to your business number. Point your providers at these addresses; each request is checked against
          the secret you store here. Secrets are never shown again: leave a field blank to keep it.
        </p>
        <dl className="mt-3 grid gap-1 text-sm">
          <dt className="font-semibold">SMS (Twilio incoming-message webhook)</dt>
          <dd className="font-mono">{`${appUrl}/api/inbound/twilio/${workspaceId}`}</dd>
          <dt className="font-semibold">WhatsApp (Cloud API webhook: callback URL)</dt>
          <dd className="font-mono">{`${appUrl}/api/inbound/whatsapp/${workspaceId}`}</dd>
          <dt className="font-semibold">Bounces and complaints from Resend (webhook for email.bounced, email.complained)</dt>
          <dd className="font-mono">{`${appUrl}/api/inbound/resend/${workspaceId}`}</dd>
          <dt className="font-semibold">Bounces and complaints from any other sender (generic format, Standard Webhooks signature)</dt>
          <dd className="font-mono">{`${appUrl}/api/inbound/delivery/${workspaceId}`}</dd>
          <dt className="font-semibold">Email replies to the List-Unsubscribe address (for every workspace)</dt>
          <dd className="font-mono">
            {`${appUrl}/api/inbound/email`}
            {env().INBOUND_EMAIL_SECRET ? "" : " (not set up on this server: INBOUND_EMAIL_SECRET)"}
          </dd>
        </dl>
        <form action={saveIntegrationsAction.bind(null, workspaceId)} className="mt-4 grid gap-2 text-sm">
          {INTEGRATION_LABELS.map(([field, label, type]) => (
            <div key={field} className="flex flex-wrap items-center gap-3">
              <label className="flex flex-wrap items-center gap-2">
                <span className="w-56">{label}</span>
                <input
                  name={field}
                  type={type}
                  autoComplete="off"
                  placeholder={integrations.set[field] ? (type === "password" ? "set: leave blank to keep" : "") : "not set"}
                  defaultValue={type === "text" ? (integrations.shown[field] ?? "") : ""}
                  className="w-80 max-w-full rounded border border-slate-400 p-1"
                />
              </label>
              {integrations.set[field] && (
                <label className="flex items-center gap-1">
                  <input type="checkbox" name="clear" value={field} /> clear
                </label>
              )}
            </div>
          ))}
          <div>
            <button type="submit" className={button}>
              Save inbound and Resend settings
            </button>
          </div>
        </form>
      </Section>

      <Section id="signing-keys" title="Signing keys">
        <p className="mt-1 text-sm text-slate-700">
          Rotating makes a new key sign new links; links signed with older keys keep working until you retire that key.
        </p>
        <ul className="mt-3 grid gap-1 text-sm">
          {signingKeys.map((key) => (
            <li key={key.kid} className="flex flex-wrap items-center gap-3">
              <span className="font-mono">{key.kid}</span>
              <span>{key.status}</span>
              <span className="text-slate-600">since {key.createdAt.toISOString().slice(0, 10)}</span>
              {key.status === "verify_only" && (
                <form action={retireSigningKeyAction.bind(null, workspaceId, key.kid)}>
                  <button type="submit" className={link}>
                    Retire {key.kid}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        <form action={rotateSigningKeyAction.bind(null, workspaceId)} className="mt-3">
          <button type="submit" className={button}>
            Rotate signing key
          </button>
        </form>
      </Section>
    </div>
  );
}
