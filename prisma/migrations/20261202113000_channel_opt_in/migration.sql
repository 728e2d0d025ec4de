BEGIN;

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "twilio_account_sid" TEXT,
ADD COLUMN     "twilio_sender" TEXT,
ADD COLUMN     "whatsapp_display_number" TEXT;

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "sms_confirmation_sent_at" TIMESTAMPTZ(3);

COMMIT;
