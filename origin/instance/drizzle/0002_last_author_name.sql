ALTER TABLE "pages" ADD COLUMN "updated_by_name" text;--> statement-breakpoint
CREATE INDEX "pages_updated_by_idx" ON "pages" USING btree ("updated_by");--> statement-breakpoint
-- pages.updated_by_name copies users.name of pages.updated_by, so a page view reads one row of one table.
-- Triggers keep it exact whichever process writes: a page write that sets updated_by takes the author's
-- current name; renaming a user rewrites the name on the pages they last edited.
CREATE OR REPLACE FUNCTION pages_set_updated_by_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.updated_by IS NULL THEN
    NEW.updated_by_name := NULL;
  ELSE
    NEW.updated_by_name := (SELECT u.name FROM users u WHERE u.id = NEW.updated_by);
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER pages_updated_by_name BEFORE INSERT OR UPDATE OF updated_by ON pages
  FOR EACH ROW EXECUTE FUNCTION pages_set_updated_by_name();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION users_propagate_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE pages SET updated_by_name = NEW.name WHERE updated_by = NEW.id AND updated_by_name IS DISTINCT FROM NEW.name;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER users_name_to_pages AFTER UPDATE OF name ON users
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION users_propagate_name();
--> statement-breakpoint
UPDATE pages p SET updated_by_name = u.name FROM users u WHERE u.id = p.updated_by;
