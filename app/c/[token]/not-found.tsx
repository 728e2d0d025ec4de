import { InvalidLink } from "@/components/unsubscribe/invalid-link";

export default function InvalidUnsubscribeLink() {
  return <InvalidLink />;
}
