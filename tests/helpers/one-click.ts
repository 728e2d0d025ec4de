/** What RFC 8058 has a mail provider post to a List-Unsubscribe URL. */
export const ONE_CLICK_BODY = "List-Unsubscribe=One-Click";

export type OneClickOptions = {
  body?: BodyInit;
  /** null: none at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
};

/** The one-click POST as a mail provider sends it (form-encoded, following no redirect), or with another body. */
export function oneClickRequest(url: string, { body = ONE_CLICK_BODY, contentType = "application/x-www-form-urlencoded", headers = {} }: OneClickOptions = {}) {
  return new Request(url, {
    method: "POST",
    body,
    redirect: "manual",
    headers: { ...(contentType === null ? {} : { "content-type": contentType }), ...headers },
  });
}

/** Posts one-click to a running server: to a link as minted, or to a token's path at `baseUrl`. */
export function postOneClick(link: string | { baseUrl: string; token: string }, options?: OneClickOptions) {
  return fetch(oneClickRequest(typeof link === "string" ? link : `${link.baseUrl}/api/unsubscribe/${link.token}`, options));
}
