import { answerSignupPost } from "@/lib/forms/signup-answer";

export const dynamic = "force-dynamic";

/** A sign-up form's post (embed): a redirect to the answer page, or a 4xx page naming what is wrong. */
export async function POST(request: Request, { params }: { params: Promise<{ formId: string }> }) {
  return answerSignupPost(request, (await params).formId, "embed");
}
