import { describe, expect, it } from "vitest";
import { classifyKeyword, KEYWORD_INTENTS, KEYWORDS, normalizeKeyword } from "@/lib/inbound/keywords";
import { LOCALES } from "@/lib/platform/i18n";

describe("inbound keywords", () => {
  it("recognises every listed keyword as typed, and lower-cased", () => {
    for (const intent of KEYWORD_INTENTS) {
      for (const words of Object.values(KEYWORDS[intent])) {
        for (const word of words) {
          expect(classifyKeyword(word)?.intent, word).toBe(intent);
          expect(classifyKeyword(word.toLowerCase())?.intent, word).toBe(intent);
        }
      }
    }
  });

  it("lists the carrier-standard English words", () => {
    expect(KEYWORDS.opt_out.en).toEqual(expect.arrayContaining(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]));
    expect(KEYWORDS.opt_in.en).toEqual(expect.arrayContaining(["START", "UNSTOP"]));
    expect(KEYWORDS.help.en).toEqual(expect.arrayContaining(["HELP", "INFO"]));
  });

  it("gives the language of the keyword as a hint", () => {
    expect(classifyKeyword("STOP")).toEqual({ intent: "opt_out", locale: "en" });
    expect(classifyKeyword("baja")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("Darse de baja")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("descadastrar")).toEqual({ intent: "opt_out", locale: "pt-BR" });
    expect(classifyKeyword("Basta")).toEqual({ intent: "opt_out", locale: "it" });
    expect(classifyKeyword("disiscrivimi")).toEqual({ intent: "opt_out", locale: "it" });
    expect(classifyKeyword("reanudar")).toEqual({ intent: "opt_in", locale: "es" });
    expect(classifyKeyword("voltar")).toEqual({ intent: "opt_in", locale: "pt-BR" });
    expect(classifyKeyword("riattiva")).toEqual({ intent: "opt_in", locale: "it" });
    expect(classifyKeyword("help")).toEqual({ intent: "help", locale: "en" });
    expect(classifyKeyword("Ayuda")).toEqual({ intent: "help", locale: "es" });
    expect(classifyKeyword("ajuda")).toEqual({ intent: "help", locale: "pt-BR" });
    expect(classifyKeyword("aiuto")).toEqual({ intent: "help", locale: "it" });
  });

  it("answers words shared by Spanish and Portuguese in Spanish, and STOP in English", () => {
    expect(classifyKeyword("parar")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("cancelar")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("stop")?.locale).toBe("en");
  });

  it("ignores case, accents, spacing and punctuation around the keyword", () => {
    expect(classifyKeyword("STOP!")).toEqual({ intent: "opt_out", locale: "en" });
    expect(classifyKeyword("  stop. ")).toEqual({ intent: "opt_out", locale: "en" });
    expect(classifyKeyword("Stop all")).toEqual({ intent: "opt_out", locale: "en" });
    expect(classifyKeyword("stop \t  ALL")).toEqual({ intent: "opt_out", locale: "en" });
    expect(classifyKeyword("¡¡Baja!!")?.intent).toBe("opt_out");
    expect(classifyKeyword("¿Ayuda?")?.intent).toBe("help");
    expect(classifyKeyword('"unsubscribe"')?.intent).toBe("opt_out");
    expect(classifyKeyword("“Stop”")?.intent).toBe("opt_out");
    expect(classifyKeyword("\nSTOP\r\n")?.intent).toBe("opt_out");
    expect(classifyKeyword("opt-out")?.intent).toBe("opt_out");
    expect(classifyKeyword("opt out")?.intent).toBe("opt_out");
    expect(classifyKeyword("optout")?.intent).toBe("opt_out");
  });

  it("matches with or without accents, composed or decomposed", () => {
    expect(classifyKeyword("no más")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("NO MAS")).toEqual({ intent: "opt_out", locale: "es" });
    expect(classifyKeyword("não quero")).toEqual({ intent: "opt_out", locale: "pt-BR" });
    expect(classifyKeyword("nao quero")).toEqual({ intent: "opt_out", locale: "pt-BR" });
    expect(classifyKeyword("na\u0303o quero")?.intent).toBe("opt_out");
    expect(classifyKeyword("Recomeçar")).toEqual({ intent: "opt_in", locale: "pt-BR" });
    expect(classifyKeyword("recomecar")).toEqual({ intent: "opt_in", locale: "pt-BR" });
    expect(classifyKeyword("Bája")?.intent).toBe("opt_out");
  });

  it("ignores invisible characters a phone may slip in", () => {
    expect(classifyKeyword("\u200bSTOP\u200b")?.intent).toBe("opt_out");
    expect(classifyKeyword("\ufeffstop")?.intent).toBe("opt_out");
    expect(classifyKeyword("STOP\u00a0ALL")?.intent).toBe("opt_out");
  });

  it("needs the whole message to be the keyword", () => {
    for (const body of [
      "please don't stop sending",
      "stop sending me these",
      "STOP STOP",
      "I want to unsubscribe",
      "help me",
      "stop, thanks",
      "no más mensajes",
      "STOPP",
      "S T O P",
      "ST OP",
      "stop😀",
    ]) {
      expect(classifyKeyword(body), body).toBeNull();
    }
  });

  it("does not know words left out on purpose or never listed", () => {
    for (const body of ["no", "ok", "yeah", "sure", "Báixa", "baixa", "alt", "", "   ", "!!!", "?"]) {
      expect(classifyKeyword(body), body).toBeNull();
    }
  });

  it("reads YES, Y, SI, SÍ, SIM and SÌ as a confirmation in any case and accent, never as an opt-in", () => {
    for (const body of ["YES", "yes", "Y", "y", "Yes!", "SI", "si", "SÍ", "sí", "Sí.", "SIM", "sim", "SÌ", "sì", "si\u0301", "\u200bSIM"]) {
      expect(classifyKeyword(body)?.intent, body).toBe("confirm");
    }
    expect(classifyKeyword("yes")?.locale).toBe("en");
    expect(classifyKeyword("sí")?.locale).toBe("es");
    expect(classifyKeyword("sim")?.locale).toBe("pt-BR");
    // SÌ and SÍ are one word without accents: the first language listed for it answers.
    expect(classifyKeyword("sì")?.locale).toBe("es");
    for (const body of ["yes please", "si no", "YESS", "S I M", "yes stop"]) expect(classifyKeyword(body), body).toBeNull();
  });

  it("asks for the first confirm word of each language", () => {
    expect(Object.fromEntries(LOCALES.map((locale) => [locale, KEYWORDS.confirm[locale][0]]))).toEqual({ en: "YES", es: "SÍ", "pt-BR": "SIM", it: "SÌ" });
  });

  it("refuses long messages without looking at them", () => {
    expect(classifyKeyword(`STOP${" ".repeat(200)}`)).toBeNull();
    expect(classifyKeyword(`${" ".repeat(40)}STOP${" ".repeat(40)}`)?.intent).toBe("opt_out");
  });

  it("lists no word under two intents", () => {
    const intentsByWord = new Map<string, Set<string>>();
    for (const intent of KEYWORD_INTENTS) {
      for (const words of Object.values(KEYWORDS[intent])) {
        for (const word of words) {
          const key = normalizeKeyword(word);
          intentsByWord.set(key, (intentsByWord.get(key) ?? new Set()).add(intent));
        }
      }
    }
    expect([...intentsByWord].filter(([, intents]) => intents.size > 1)).toEqual([]);
  });

  it("normalises to upper case without accents, single spaces and no punctuation around", () => {
    expect(normalizeKeyword("  ¡Dar   de   baja!  ")).toBe("DAR DE BAJA");
    expect(normalizeKeyword("Não quero.")).toBe("NAO QUERO");
    expect(normalizeKeyword("opt-out?")).toBe("OPT-OUT");
  });

  it("hands out a copy, so a caller cannot change later answers", () => {
    const first = classifyKeyword("stop");
    if (first) first.intent = "opt_in";
    expect(classifyKeyword("stop")?.intent).toBe("opt_out");
  });
});
