import { notFound } from "next/navigation";
import { isUuid } from "@/lib/platform/uuid";

// A bound argument comes back with a form post as the page rendered it, unless someone edited the
// post: then it names nothing here, and the answer is the 404 page, never a database error.

export function boundUuid(value: unknown): string {
  if (typeof value !== "string" || !isUuid(value)) notFound();
  return value;
}

export function boundString(value: unknown): string {
  if (typeof value !== "string") notFound();
  return value;
}

export function boundBoolean(value: unknown): boolean {
  if (typeof value !== "boolean") notFound();
  return value;
}
