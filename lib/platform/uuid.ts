const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value taken from a URL or a form can be an id at all, before it reaches a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
