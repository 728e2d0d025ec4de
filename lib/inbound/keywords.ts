import type { Locale } from "@/lib/platform/i18n";

// Keywords a person texts to an SMS or WhatsApp number to leave, come back or ask for help. Only a
// message that is nothing but one keyword counts: "please don't stop sending" must not unsubscribe
// anyone. The locale is a hint for the language of the reply, not a fact about the sender. `confirm`
// (YES, SÍ, SIM, SÌ) answers an opt-in confirmation and does nothing when none is waiting; every
// language's confirm word is accepted whatever the contact's language.

export const KEYWORD_INTENTS = ["opt_out", "opt_in", "help", "confirm"] as const;
export type KeywordIntent = (typeof KEYWORD_INTENTS)[number];

export type KeywordMatch = { intent: KeywordIntent; locale: Locale };

/**
 * Written as people type them, accents included, so documentation can print them as they are;
 * matching ignores case, accents, spacing and surrounding punctuation. A word shared by two
 * languages (PARAR, CANCELAR) answers in the first language listed for it.
 */
export const KEYWORDS: Record<KeywordIntent, Record<Locale, readonly string[]>> = {
  opt_out: {
    en: ["STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT", "OPT-OUT"],
    es: ["BAJA", "ALTO", "PARAR", "CANCELAR", "DARSE DE BAJA", "DAR DE BAJA", "DETENER", "NO MÁS"],
    "pt-BR": ["SAIR", "PARAR", "CANCELAR", "DESCADASTRAR", "NÃO QUERO"],
    it: ["DISISCRIVI", "DISISCRIVIMI", "ANNULLA", "BASTA"],
  },
  opt_in: {
    en: ["START", "UNSTOP", "SUBSCRIBE"],
    es: ["ALTA", "REANUDAR"],
    "pt-BR": ["VOLTAR", "INSCREVER", "RECOMEÇAR"],
    it: ["ISCRIVI", "ISCRIVIMI", "RIATTIVA"],
  },
  help: {
    en: ["HELP", "INFO"],
    es: ["AYUDA"],
    "pt-BR": ["AJUDA"],
    it: ["AIUTO"],
  },
  // The first of each is the word the confirmation asks for (and a WhatsApp click-to-chat link prefills).
  confirm: {
    en: ["YES", "Y"],
    es: ["SÍ", "SI"],
    "pt-BR": ["SIM"],
    it: ["SÌ"],
  },
};

// The longest keyword is far shorter; anything longer is a sentence and not worth normalising.
const MAX_MESSAGE_LENGTH = 100;

const EDGE_PUNCTUATION = /^[\s.,!?¡¿;:"'“”‘’«»]+|[\s.,!?¡¿;:"'“”‘’«»]+$/g;

/** Upper case, no accents, single spaces, no punctuation around: the form keywords are compared in. */
export function normalizeKeyword(text: string): string {
  return (
    text
      .toUpperCase()
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      // Phones and WhatsApp slip in invisible format characters (zero-width spaces, direction marks).
      .replace(/\p{Cf}/gu, "")
      .replace(/\s+/g, " ")
      .replace(EDGE_PUNCTUATION, "")
  );
}

function buildLookup(): Map<string, KeywordMatch> {
  const lookup = new Map<string, KeywordMatch>();
  for (const intent of KEYWORD_INTENTS) {
    for (const [locale, words] of Object.entries(KEYWORDS[intent]) as [Locale, readonly string[]][]) {
      for (const word of words) {
        const key = normalizeKeyword(word);
        const existing = lookup.get(key);
        if (existing && existing.intent !== intent) throw new Error(`keyword ${word} means both ${existing.intent} and ${intent}`);
        if (!existing) lookup.set(key, { intent, locale });
      }
    }
  }
  return lookup;
}

const LOOKUP = buildLookup();

/** What a whole inbound message asks for, if it is exactly one known keyword; null otherwise. */
export function classifyKeyword(body: string): KeywordMatch | null {
  if (body.length > MAX_MESSAGE_LENGTH) return null;
  const match = LOOKUP.get(normalizeKeyword(body));
  return match ? { ...match } : null;
}
