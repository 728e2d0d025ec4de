import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isValidMetaSignature } from "@/lib/inbound/meta-signature";
import { isValidTwilioSignature, twilioSignature } from "@/lib/inbound/twilio-signature";

describe("Twilio webhook signature", () => {
  // The worked example in Twilio's "Webhooks security" guide.
  const authToken = "12345";
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };
  const documented = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

  it("reproduces Twilio's documented signature", () => {
    expect(twilioSignature(authToken, url, params)).toBe(documented);
  });

  it("signs the string Twilio's guide spells out, computed here by hand", () => {
    const spelledOut = "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212";
    expect(twilioSignature(authToken, url, params)).toBe(createHmac("sha1", authToken).update(spelledOut).digest("base64"));
  });

  it("sorts parameters by name, whatever order they arrive in, from a form body too", () => {
    const shuffled = { To: "+18005551212", Digits: "1234", CallSid: "CA1234567890ABCDE", From: "+12349013030", Caller: "+12349013030" };
    expect(twilioSignature(authToken, url, shuffled)).toBe(documented);
    const form = new URLSearchParams("To=%2B18005551212&CallSid=CA1234567890ABCDE&Digits=1234&From=%2B12349013030&Caller=%2B12349013030");
    expect(twilioSignature(authToken, url, form)).toBe(documented);
    expect(isValidTwilioSignature(authToken, url, form, documented)).toBe(true);
  });

  it("sorts names case-sensitively, upper case before lower case", () => {
    const expected = createHmac("sha1", "t").update("https://x.test/hZz1aa2").digest("base64");
    expect(twilioSignature("t", "https://x.test/h", { a: "a2", Z: "z1" })).toBe(expected);
  });

  it("signs a repeated name once per distinct value, values sorted", () => {
    const form = new URLSearchParams("MediaUrl=b&Body=hi&MediaUrl=a&MediaUrl=b");
    const expected = createHmac("sha1", "t").update("https://x.test/hBodyhiMediaUrlaMediaUrlb").digest("base64");
    expect(twilioSignature("t", "https://x.test/h", form)).toBe(expected);
  });

  it("signs the URL alone when there are no parameters", () => {
    expect(twilioSignature("t", "https://x.test/h?a=1", {})).toBe(createHmac("sha1", "t").update("https://x.test/h?a=1").digest("base64"));
  });

  it("accepts the genuine signature and refuses any change", () => {
    expect(isValidTwilioSignature(authToken, url, params, documented)).toBe(true);
    expect(isValidTwilioSignature(authToken, url, { ...params, Digits: "9999" }, documented)).toBe(false);
    expect(isValidTwilioSignature(authToken, url, { ...params, Extra: "" }, documented)).toBe(false);
    const missingOne = Object.fromEntries(Object.entries(params).filter(([name]) => name !== "To"));
    expect(isValidTwilioSignature(authToken, url, missingOne, documented)).toBe(false);
    expect(isValidTwilioSignature(authToken, "https://mycompany.com/myapp.php?foo=1&bar=3", params, documented)).toBe(false);
    expect(isValidTwilioSignature(authToken, "http://mycompany.com/myapp.php?foo=1&bar=2", params, documented)).toBe(false);
    expect(isValidTwilioSignature("54321", url, params, documented)).toBe(false);
    expect(isValidTwilioSignature(authToken, url, params, documented.toLowerCase())).toBe(false);
    expect(isValidTwilioSignature(authToken, url, params, documented.slice(0, -1))).toBe(false);
    expect(isValidTwilioSignature(authToken, url, params, `${documented}=`)).toBe(false);
  });

  it("refuses a missing or empty header, and an empty auth token", () => {
    expect(isValidTwilioSignature(authToken, url, params, null)).toBe(false);
    expect(isValidTwilioSignature(authToken, url, params, "")).toBe(false);
    expect(isValidTwilioSignature("", url, params, twilioSignature("", url, params))).toBe(false);
  });

  it("accepts a signature made with or without the default port in the URL", () => {
    const withPort = twilioSignature(authToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params);
    expect(withPort).not.toBe(documented);
    expect(isValidTwilioSignature(authToken, url, params, withPort)).toBe(true);
    expect(isValidTwilioSignature(authToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params, documented)).toBe(true);
    const otherPort = twilioSignature(authToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", params);
    expect(isValidTwilioSignature(authToken, url, params, otherPort)).toBe(false);
    expect(isValidTwilioSignature(authToken, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", params, documented)).toBe(false);
  });
});

describe("Meta (WhatsApp Cloud API) webhook signature", () => {
  const appSecret = "a1b2c3d4e5f6";
  const body =
    '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"text":{"body":"N\\u00e3o quero"}}]}}]}]}';
  const hex = createHmac("sha256", appSecret).update(body).digest("hex");
  const header = `sha256=${hex}`;

  it("accepts the HMAC-SHA256 of the raw body, as a string or as bytes", () => {
    expect(isValidMetaSignature(appSecret, body, header)).toBe(true);
    expect(isValidMetaSignature(appSecret, new TextEncoder().encode(body), header)).toBe(true);
    expect(isValidMetaSignature(appSecret, body, `sha256=${hex.toUpperCase()}`)).toBe(true);
  });

  it("signs the body's UTF-8 bytes", () => {
    const text = '{"body":"não"}';
    const signed = `sha256=${createHmac("sha256", appSecret).update(Buffer.from(text, "utf8")).digest("hex")}`;
    expect(isValidMetaSignature(appSecret, text, signed)).toBe(true);
    expect(isValidMetaSignature(appSecret, Buffer.from(text, "latin1"), signed)).toBe(false);
  });

  it("refuses a changed body, another secret, or a re-serialised body", () => {
    expect(isValidMetaSignature(appSecret, body.replace("1", "2"), header)).toBe(false);
    expect(isValidMetaSignature(appSecret, `${body} `, header)).toBe(false);
    expect(isValidMetaSignature("another-secret", body, header)).toBe(false);
    expect(isValidMetaSignature(appSecret, JSON.stringify(JSON.parse(body)), header)).toBe(false);
  });

  it("refuses a missing or malformed header", () => {
    for (const bad of [
      null,
      "",
      hex,
      `sha1=${hex}`,
      `sha256=${hex.slice(0, -2)}`,
      `sha256=${hex}00`,
      `sha256=${hex.slice(0, -1)}g`,
      `sha256= ${hex}`,
      `sha256=${Buffer.from(hex, "hex").toString("base64")}`,
      `sha256=${hex},sha256=${hex}`,
    ]) {
      expect(isValidMetaSignature(appSecret, body, bad), String(bad)).toBe(false);
    }
  });

  it("refuses everything when no app secret is configured", () => {
    const unsigned = `sha256=${createHmac("sha256", "").update(body).digest("hex")}`;
    expect(isValidMetaSignature("", body, unsigned)).toBe(false);
  });
});
