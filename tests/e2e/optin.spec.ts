import { expect, test } from "@playwright/test";
import { demoApiHeaders, mailTo, preferencesOf } from "./demo";

const confirmationTo = (address: string) => mailTo(address).find((message) => /\/c\//.test(message.text));

test("double opt-in: the email's link shows the request, and only the button confirms", async ({ page, request }) => {
  const headers = demoApiHeaders();
  const email = `optin-${Date.now()}@example.com`;
  const created = await request.post("/api/v1/contacts", { headers, data: { email, locale: "it" } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();

  const started = await request.post("/api/v1/optin", {
    headers,
    data: { contactId: id, topics: ["offers"], evidence: { wording: "Iscrivimi alle offerte" } },
  });
  expect(started.status()).toBe(202);
  expect((await preferencesOf(request, id)).channels.email.topics.offers).toBe("pending");

  await expect.poll(() => confirmationTo(email)?.subject).toBe("Conferma, per favore: messaggi da Acme");
  const link = /http:\/\/localhost:\d+\/c\/[\w.-]+/.exec(confirmationTo(email)!.text)![0];

  // A scanner, then the person, open the link: nothing is confirmed yet.
  await request.get(link, { headers: { "user-agent": "Mimecast-URL-Protect/1.0" } });
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Vuoi ricevere questi messaggi da Acme?" })).toBeVisible();
  await expect(page.getByText("Offerte")).toBeVisible();
  expect((await preferencesOf(request, id)).channels.email.topics.offers).toBe("pending");

  await page.getByRole("button", { name: "Sì, iscrivimi" }).click();
  await expect(page.getByRole("heading", { name: "Iscrizione confermata" })).toBeVisible();
  expect((await preferencesOf(request, id)).channels.email.topics.offers).toBe("subscribed");

  // The link has done its work.
  await page.goto(link);
  await expect(page.getByText("Qui non c'è più nulla da confermare")).toBeVisible();
});
