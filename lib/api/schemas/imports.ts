import { z } from "zod";
import { isUuid } from "@/lib/platform/uuid";

/** /api/v1/imports/{id}: the id POST /api/v1/imports answered. */
export const importPathSchema = z.object({ id: z.string().refine(isUuid, "must be an import id (a UUID)") });
