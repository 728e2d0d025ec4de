// IANA time zone names ("Europe/Madrid", "America/Sao_Paulo", "UTC"), as Intl knows them. Intl also takes
// offsets such as "+01:00", which are not zones (they have no daylight saving time): those are refused.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const known = new Map<string, boolean>();

export function isIanaTimeZone(name: string): boolean {
  let valid = known.get(name);
  if (valid === undefined) {
    try {
      valid = ZONE_NAME.test(name) && new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone !== undefined;
    } catch {
      valid = false;
    }
    // A file of a million rows names a few hundred zones at most; a name seen once is answered from here.
    if (known.size < 10_000) known.set(name, valid);
  }
  return valid;
}
