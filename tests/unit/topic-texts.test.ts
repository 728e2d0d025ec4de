import { describe, expect, it } from "vitest";
import { readTopicTexts } from "@/lib/consent/topic-texts";

describe("a topic's stored names and descriptions", () => {
  it("reads them as stored", () => {
    expect(readTopicTexts({ key: "offers", names: { en: "Offers", es: "Ofertas" }, descriptions: { en: "Deals, monthly" } })).toEqual({
      names: { en: "Offers", es: "Ofertas" },
      descriptions: { en: "Deals, monthly" },
    });
  });

  it.each([null, "Offers", ["Offers"], { en: 5 }, { en: { text: "Offers" } }])("falls back to the key for names stored as %o", (names) => {
    expect(readTopicTexts({ key: "offers", names, descriptions: { en: "Deals" } })).toEqual({ names: { en: "offers" }, descriptions: { en: "Deals" } });
  });

  it.each([null, "Deals", { en: null }])("falls back to no description for one stored as %o", (descriptions) => {
    expect(readTopicTexts({ key: "offers", names: { en: "Offers" }, descriptions })).toEqual({ names: { en: "Offers" }, descriptions: {} });
  });
});
