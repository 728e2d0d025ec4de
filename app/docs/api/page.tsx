import type { Metadata } from "next";
import { openApiDocument } from "@/lib/api/openapi";
import { env } from "@/lib/platform/env";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API reference" };

type Operation = { summary: string; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { description: string }> };

// A readable rendering of /api/v1/openapi.json.
export default function ApiReferencePage() {
  const document = openApiDocument(env().APP_URL);
  return (
    <main className="mx-auto max-w-4xl px-4 py-10">
      <h1 className="text-3xl font-bold">{document.info.title}</h1>
      <p className="mt-2">{document.info.description}</p>
      <p className="mt-2">
        Base URL <code>{document.servers[0].url}</code> · machine-readable:{" "}
        <a className="text-blue-800 underline" href="/api/v1/openapi.json">
          openapi.json
        </a>
      </p>
      {Object.entries(document.paths).map(([path, operations]) =>
        Object.entries(operations as Record<string, Operation>).map(([method, operation]) => (
          <section key={`${method} ${path}`} className="mt-8 rounded-lg border border-slate-200 bg-white p-4">
            <h2 className="font-mono text-lg font-semibold">
              {method.toUpperCase()} {path}
            </h2>
            <p className="mt-1">{operation.summary}</p>
            {operation.requestBody && (
              <details className="mt-2">
                <summary>Request body (JSON Schema)</summary>
                <pre className="mt-2 overflow-x-auto rounded bg-slate-100 p-3 text-xs">
                  {JSON.stringify(operation.requestBody.content["application/json"].schema, null, 2)}
                </pre>
              </details>
            )}
            <ul className="mt-2 text-sm">
              {Object.entries(operation.responses).map(([status, response]) => (
                <li key={status}>
                  <code>{status}</code> {response.description}
                </li>
              ))}
            </ul>
          </section>
        )),
      )}
    </main>
  );
}
