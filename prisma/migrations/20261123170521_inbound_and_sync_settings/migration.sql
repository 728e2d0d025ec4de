BEGIN;

-- AlterTable
ALTER TABLE "workspaces" ADD COLUMN     "resend_api_key" TEXT,
ADD COLUMN     "twilio_auth_token" TEXT,
ADD COLUMN     "whatsapp_access_token" TEXT,
ADD COLUMN     "whatsapp_app_secret" TEXT,
ADD COLUMN     "whatsapp_phone_number_id" TEXT,
ADD COLUMN     "whatsapp_verify_token" TEXT;

COMMIT;
