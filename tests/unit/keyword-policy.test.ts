import { describe, expect, it } from "vitest";
import { SuppressionKeyMissingError } from "@/lib/contacts/suppression";
import { confirmationEffects, isOwnSmsNumber, keywordEffects, type KeywordInput } from "@/lib/inbound/keyword-policy";
import { sha256Hex } from "@/lib/platform/sha256";

const WORKSPACE = "0b6f3a9e-1d2c-4e5f-8a7b-9c0d1e2f3a4b";
const KEYED_HASH = "a".repeat(64);

const at = (id: string, locale: string | null, direct = true) => ({ id, locale, direct });

function input(overrides: Partial<KeywordInput> = {}): KeywordInput {
  return {
    workspaceId: WORKSPACE,
    enabledChannels: ["email", "sms", "whatsapp"],
    channel: "sms",
    intent: "opt_out",
    contacts: [at("c1", "es")],
    keyedHash: KEYED_HASH,
    message: { text: "STOP", messageId: "SM1" },
    ...overrides,
  };
}

const evidence = (text: string, messageId: string | null, source = "sms_keyword") => ({ source, messageId, wordingHash: sha256Hex(text) });

describe("what a keyword does", () => {
  it("STOP switches the channel off for every contact at the number and keeps the number suppressed, with the message as evidence", () => {
    expect(keywordEffects(input({ contacts: [at("c1", "es"), at("c2", null)] }))).toEqual({
      contactLocale: "es",
      suppression: {
        workspaceId: WORKSPACE,
        channel: "sms",
        addressHash: KEYED_HASH,
        action: "suppress",
        reason: "sms_keyword",
        messageId: "SM1",
        wordingHash: sha256Hex("STOP"),
      },
      subscription: {
        contactIds: ["c1", "c2"],
        changes: [{ kind: "subscription", channel: "sms", status: "unsubscribed" }],
        evidence: evidence("STOP", "SM1"),
      },
    });
  });

  it("START lifts only the keyword's own suppression and switches the channel back on", () => {
    const effects = keywordEffects(input({ intent: "opt_in", channel: "whatsapp", message: { text: "Start", messageId: null } }));
    expect(effects.suppression).toEqual({
      workspaceId: WORKSPACE,
      channel: "whatsapp",
      addressHash: KEYED_HASH,
      action: "lift",
      reason: "whatsapp_keyword",
      messageId: null,
      wordingHash: sha256Hex("Start"),
    });
    expect(effects.subscription).toEqual({
      contactIds: ["c1"],
      changes: [{ kind: "subscription", channel: "whatsapp", status: "subscribed" }],
      evidence: evidence("Start", null, "whatsapp_keyword"),
    });
  });

  it("HELP changes nothing, with or without contacts or SUPPRESSION_KEY", () => {
    for (const contacts of [[at("c1", "it")], []]) {
      for (const keyedHash of [KEYED_HASH, null]) {
        expect(keywordEffects(input({ intent: "help", contacts, keyedHash }))).toEqual({
          contactLocale: contacts[0]?.locale ?? null,
          suppression: null,
          subscription: null,
        });
      }
    }
  });

  it("suppresses a number no contact has by its keyed hash, and lifts it on START", () => {
    expect(keywordEffects(input({ contacts: [] }))).toEqual({
      contactLocale: null,
      suppression: {
        workspaceId: WORKSPACE,
        channel: "sms",
        addressHash: KEYED_HASH,
        action: "suppress",
        reason: "sms_keyword",
        messageId: "SM1",
        wordingHash: sha256Hex("STOP"),
      },
      subscription: null,
    });
    expect(keywordEffects(input({ contacts: [], intent: "opt_in" })).suppression).toMatchObject({ action: "lift", addressHash: KEYED_HASH });
  });

  it("without SUPPRESSION_KEY refuses a STOP or START from a number no contact has (503), since nothing would keep it out", () => {
    for (const intent of ["opt_out", "opt_in"] as const) {
      expect(() => keywordEffects(input({ contacts: [], keyedHash: null, intent }))).toThrow(SuppressionKeyMissingError);
    }
    const refusal = new SuppressionKeyMissingError();
    expect([refusal.code, refusal.status]).toEqual(["not_configured", 503]);
  });

  it("without SUPPRESSION_KEY still changes the switches of the contacts at the number, and suppresses nothing", () => {
    const effects = keywordEffects(input({ keyedHash: null }));
    expect(effects.suppression).toBeNull();
    expect(effects.subscription).toMatchObject({ contactIds: ["c1"], changes: [{ kind: "subscription", channel: "sms", status: "unsubscribed" }] });
  });

  it("on a channel the workspace has switched off, changes only the suppression", () => {
    for (const intent of ["opt_out", "opt_in"] as const) {
      const effects = keywordEffects(input({ enabledChannels: ["email", "whatsapp"], intent }));
      expect(effects.subscription).toBeNull();
      expect(effects.suppression).toMatchObject({ action: intent === "opt_out" ? "suppress" : "lift", addressHash: KEYED_HASH });
    }
    expect(keywordEffects(input({ enabledChannels: ["email"], keyedHash: null }))).toMatchObject({ suppression: null, subscription: null });
  });

  it("answers in the language of the contact on the channel's own address first, then of any contact at the number", () => {
    const onPhoneOnly = at("c1", "pt-BR", false);
    expect(keywordEffects(input({ contacts: [onPhoneOnly, at("c2", "it")] })).contactLocale).toBe("it");
    expect(keywordEffects(input({ contacts: [at("c2", null), onPhoneOnly] })).contactLocale).toBe("pt-BR");
    expect(keywordEffects(input({ contacts: [at("c1", null)] })).contactLocale).toBeNull();
  });
});

describe("what a YES does", () => {
  it("confirms each waiting topic of each contact, at the version read, with the message as evidence, and nothing else", () => {
    const waiting = [
      { contactId: "c1", topicKey: "offers", version: 2 },
      { contactId: "c1", topicKey: "news", version: 1 },
      { contactId: "c2", topicKey: "offers", version: 5 },
    ];
    const evidence = { source: "whatsapp_keyword", messageId: "wamid.1", wordingHash: sha256Hex("SÍ"), locale: "es" };
    expect(confirmationEffects("whatsapp", waiting, { text: "SÍ", messageId: "wamid.1", locale: "es" })).toEqual([
      {
        contactId: "c1",
        changes: [
          { kind: "subscription", channel: "whatsapp", topicKey: "offers", status: "subscribed", expectedVersion: 2 },
          { kind: "subscription", channel: "whatsapp", topicKey: "news", status: "subscribed", expectedVersion: 1 },
        ],
        evidence,
      },
      { contactId: "c2", changes: [{ kind: "subscription", channel: "whatsapp", topicKey: "offers", status: "subscribed", expectedVersion: 5 }], evidence },
    ]);
    expect(confirmationEffects("sms", [], { text: "YES", messageId: null, locale: "en" })).toEqual([]);
  });

  it("counts an SMS only when it reached the workspace's sending number, if the sender is a number", () => {
    expect(isOwnSmsNumber("+14155238886", "+14155238886")).toBe(true);
    expect(isOwnSmsNumber("+14155238886", "+14155550999")).toBe(false);
    expect(isOwnSmsNumber("+14155238886", null)).toBe(false);
    expect(isOwnSmsNumber(`MG${"0".repeat(32)}`, "+14155550999")).toBe(true);
    expect(isOwnSmsNumber(null, "+14155550999")).toBe(true);
  });
});
