import { describe, expect, it } from "vitest";
import { topicFormSchema } from "@/lib/admin/topic-schema";

describe("the topic form", () => {
  it("keeps the languages a name or description was given in, and no empty field", () => {
    const parsed = topicFormSchema.parse({
      key: "offers",
      names: { en: " Offers ", es: "Ofertas", "pt-BR": "", it: null },
      descriptions: { en: "", es: null, "pt-BR": "Promoções", it: "  " },
      channels: ["email"],
      requiresOptIn: true,
    });
    expect(parsed.names).toEqual({ en: "Offers", es: "Ofertas" });
    expect(parsed.descriptions).toEqual({ "pt-BR": "Promoções" });
  });
});
