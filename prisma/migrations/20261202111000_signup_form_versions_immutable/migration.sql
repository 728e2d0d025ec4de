BEGIN;

-- A sign-up form's version is what its consents were given on: written once, never changed or removed.
-- An edit writes the next version (lib/forms/form-store.ts).
CREATE FUNCTION signup_form_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a sign-up form version is never changed (% refused)', TG_OP USING ERRCODE = 'P0001';
END
$$;

CREATE TRIGGER signup_form_versions_immutable
  BEFORE UPDATE OR DELETE ON "signup_form_versions"
  FOR EACH ROW EXECUTE FUNCTION signup_form_versions_immutable();

COMMIT;
