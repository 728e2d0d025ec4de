import "server-only";
import { redirect } from "next/navigation";
import { z } from "zod";
import { assertMember } from "@/lib/admin/auth";
import { boundUuid, parseBound, type BoundSchemas } from "@/lib/platform/bound-arguments";
import type { FormSchema } from "@/lib/platform/form-schema";
import { UserFacingError } from "@/lib/platform/errors";

// Every dashboard action states its guard and its input here, and its body runs only once they hold,
// checked in this order: the arguments the page bound, as it rendered them (someone edited the post
// otherwise: the 404 page); the signed-in admin, an owner of the workspace they name; the form's fields,
// as its schema says. So a viewer's or a stranger's post changes nothing, and no body checks again.

export type FormFailure = { ok: false; message: string; fieldErrors?: Partial<Record<string, string[]>> };

/** What a form that answers in place shows: success (with what the action adds to it), or why not. */
export type FormResult<Data extends object = object> = ({ ok: true } & Data) | FormFailure;

type OwnerSpec<B extends BoundSchemas, S extends FormSchema> = {
  /** What the page binds after the workspace id, in order: `[boundUuid]` for `action.bind(null, workspaceId, topic.id)`. */
  bound: B;
  /** The form's fields (`noFields` for a form that is only a button). */
  form: S;
  /** The sentence a form that does not parse shows, from its first issue: "field: what is wrong" unless given. */
  invalid?: (issue: z.core.$ZodIssue) => string;
};

/** The workspace id, then the rest of what the page bound. */
type BoundTuple<B extends BoundSchemas> = z.ZodTuple<[typeof boundUuid, ...B], null>;

export type OwnerInput<B extends BoundSchemas, S extends FormSchema> = { bound: z.output<BoundTuple<B>>; data: z.output<S> };

type Checked<B extends BoundSchemas, S extends FormSchema> = { workspaceId: string } & (
  { allowed: OwnerInput<B, S> } | { refused: UserFacingError } | { invalid: FormFailure }
);

const describeIssue = (issue: z.core.$ZodIssue) => `${issue.path.join(".")}: ${issue.message}`;

function checkOwnerPost<const B extends BoundSchemas, S extends FormSchema>(spec: OwnerSpec<B, S>) {
  const boundSchema: BoundTuple<B> = z.tuple([boundUuid, ...spec.bound]);
  return async (args: readonly unknown[], form: unknown): Promise<Checked<B, S>> => {
    const bound = parseBound(boundSchema, args.slice(0, spec.bound.length + 1));
    const workspaceId = bound[0];
    try {
      await assertMember(workspaceId, "owner");
    } catch (error) {
      if (error instanceof UserFacingError) return { workspaceId, refused: error };
      throw error;
    }
    const fields = spec.form.safeParse(form);
    if (!fields.success) {
      const message = (spec.invalid ?? describeIssue)(fields.error.issues[0]);
      return { workspaceId, invalid: { ok: false, message, fieldErrors: z.flattenError(fields.error).fieldErrors } };
    }
    return { workspaceId, allowed: { bound, data: fields.data } };
  };
}

const settingsUrl = (workspaceId: string, query: string) => `/admin/${workspaceId}/settings?${query}`;

/**
 * A settings form, answered with the settings page (post/redirect/get): `?saved=<saved>` once the body
 * ran; `?error=` with the form's first issue or the failure the body returns; a viewer's post with
 * `?error=forbidden`, and a stranger's with the workspace's settings, which do not exist for them.
 */
export function ownerAction<const B extends BoundSchemas, S extends FormSchema>(
  spec: OwnerSpec<B, S> & { saved: string },
  body: (input: OwnerInput<B, S>) => Promise<FormFailure | void>,
): (...args: [...z.input<BoundTuple<B>>, FormData]) => Promise<never> {
  const check = checkOwnerPost(spec);
  return async (...args) => {
    const checked = await check(args, args[spec.bound.length + 1]);
    if ("refused" in checked) redirect(settingsUrl(checked.workspaceId, checked.refused.status === 403 ? "error=forbidden" : ""));
    const failure = "invalid" in checked ? checked.invalid : await body(checked.allowed);
    redirect(settingsUrl(checked.workspaceId, failure ? `error=${encodeURIComponent(failure.message)}` : `saved=${spec.saved}`));
  };
}

/** A form that answers in place (React's useActionState, which passes the previous result first): its FormResult. */
export function ownerStateAction<const B extends BoundSchemas, S extends FormSchema, Data extends object>(
  spec: OwnerSpec<B, S>,
  body: (input: OwnerInput<B, S>) => Promise<FormResult<Data>>,
): (...args: [...z.input<BoundTuple<B>>, FormResult<Data> | null, FormData]) => Promise<FormResult<Data>> {
  const check = checkOwnerPost(spec);
  return async (...args) => {
    const checked = await check(args, args[spec.bound.length + 2]);
    if ("refused" in checked) return { ok: false, message: checked.refused.message };
    if ("invalid" in checked) return checked.invalid;
    return body(checked.allowed);
  };
}
