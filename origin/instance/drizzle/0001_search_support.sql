-- Accent-insensitive search. unaccent ships with Postgres (and embedded-postgres) and is a trusted
-- extension, so a database owner may create it. Where it cannot be created, wiki_unaccent() falls back
-- to the identity and search stays accent-sensitive instead of failing.
DO $$
DECLARE
  ext_schema text;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS unaccent;
  EXCEPTION WHEN others THEN
    RAISE NOTICE 'unaccent unavailable (%): search will be accent-sensitive', SQLERRM;
  END;
  SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
  IF ext_schema IS NOT NULL THEN
    EXECUTE format(
      'CREATE OR REPLACE FUNCTION wiki_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
      format('SELECT %I.unaccent(%L::regdictionary, $1)', ext_schema, ext_schema || '.unaccent'));
  ELSE
    CREATE OR REPLACE FUNCTION wiki_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS 'SELECT $1';
  END IF;
END $$;
--> statement-breakpoint
INSERT INTO "settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;
