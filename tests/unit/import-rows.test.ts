import { describe, expect, it } from "vitest";
import { importFormatOf, parseImportLine, readImportLines, type ReadLine } from "@/lib/contacts/import-rows";

const streamOf = (text: string, chunkSize = 7) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += chunkSize) controller.enqueue(bytes.slice(i, i + chunkSize));
      controller.close();
    },
  });

/** The file read as the upload reads it, then each staged line as the worker reads it. */
async function readAll(format: "csv" | "ndjson", text: string): Promise<ReadLine[]> {
  const lines: ReadLine[] = [];
  for await (const line of readImportLines(format, streamOf(text))) lines.push("text" in line ? parseImportLine(line.line, line.text) : line);
  return lines;
}

describe("import files", () => {
  it("reads CSV with quoted commas, quotes and line breaks, each row with the line it ends on", async () => {
    const lines = await readAll(
      "csv",
      'email,subscriptions,consented_at,collection_point,wording\r\nAna@Example.com,email:offers;sms,2024-01-01T00:00:00Z,form,"Yes, ""offers""\nplease"\r\nbo@example.com,,,,\r\n',
    );
    expect(lines).toEqual([
      {
        line: 3,
        row: {
          email: "ana@example.com",
          subscriptions: [
            {
              channel: "email",
              topic: "offers",
              status: "subscribed",
              consentedAt: "2024-01-01T00:00:00.000Z",
              collectionPoint: "form",
              wordingHash: expect.stringMatching(/^[0-9a-f]{64}$/),
            },
            {
              channel: "sms",
              status: "subscribed",
              consentedAt: "2024-01-01T00:00:00.000Z",
              collectionPoint: "form",
              wordingHash: expect.stringMatching(/^[0-9a-f]{64}$/),
            },
          ],
        },
      },
      { line: 4, row: { email: "bo@example.com", subscriptions: [] } },
    ]);
  });

  it("rejects a CSV row with the wrong number of cells, and refuses a header it does not know", async () => {
    expect(await readAll("csv", "email,locale\na@example.com\n")).toEqual([
      { line: 2, rejection: { code: "invalid_row", message: "the row has 1 cells; the header names 2" } },
    ]);
    await expect(readAll("csv", "email,emial\n")).rejects.toMatchObject({ code: "invalid_header", status: 400 });
    await expect(readAll("csv", "locale\nen\n")).rejects.toMatchObject({ code: "invalid_header" });
    await expect(readAll("csv", "email,subscriptions\n")).rejects.toMatchObject({ code: "invalid_header" });
    await expect(readAll("csv", "")).rejects.toMatchObject({ code: "invalid_header" });
  });

  it("reads NDJSON line by line across chunks, keeps the line numbers of blank lines, and rejects a line that is not a row", async () => {
    const lines = await readAll(
      "ndjson",
      '{"email":"a@example.com","timeZone":"America/Sao_Paulo"}\n\nnot json\n[1]\n{"phone":"+14155550100","locale":"pt-BR"}',
    );
    expect(lines).toEqual([
      { line: 1, row: { email: "a@example.com", timeZone: "America/Sao_Paulo", subscriptions: [] } },
      { line: 3, rejection: { code: "invalid_json", message: "the line is not valid JSON" } },
      { line: 4, rejection: { code: "invalid_row", message: "the line must be a JSON object" } },
      { line: 5, row: { phone: "+14155550100", locale: "pt-BR", subscriptions: [] } },
    ]);
  });

  it("rejects a time zone that is not an IANA name, consent in the future, and a row without an identifier", async () => {
    const lines = await readAll(
      "ndjson",
      [
        { email: "a@example.com", timeZone: "+01:00" },
        { email: "a@example.com", subscriptions: [{ channel: "email", status: "subscribed", consentedAt: "2999-01-01T00:00:00Z", collectionPoint: "x" }] },
        { locale: "en" },
      ]
        .map((row) => JSON.stringify(row))
        .join("\n"),
    );
    expect(lines.map((line) => ("rejection" in line ? line.rejection.message : "row"))).toEqual([
      "timeZone: must be an IANA time zone such as Europe/Madrid",
      "subscriptions.0.consentedAt: must be in the past",
      "externalId: give at least one of externalId, email, phone, whatsappId",
    ]);
  });

  it("refuses the whole file for a row longer than the bound, and a content type that is not an import format", async () => {
    await expect(readAll("ndjson", `{"email":"a@example.com"}\n{"locale":"${"x".repeat(70_000)}"}\n`)).rejects.toMatchObject({
      code: "row_too_large",
      status: 413,
      details: { line: 2 },
    });
    await expect(readAll("csv", `email,locale\na@example.com,"${"x".repeat(70_000)}"\n`)).rejects.toMatchObject({ code: "row_too_large", status: 413 });
    expect(importFormatOf("text/csv; charset=utf-8")).toBe("csv");
    expect(importFormatOf("application/x-ndjson")).toBe("ndjson");
    expect(() => importFormatOf("application/json")).toThrow(expect.objectContaining({ status: 415 }));
  });
});
