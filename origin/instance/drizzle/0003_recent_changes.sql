-- Recent changes (/_changes, /api/changes) lists revisions and moves to and from the trash, newest first.
-- revisions.restored_from tells a restore of an old revision from an edit (before this, only its default
-- message did, which anyone can also type). trash_events records trashing and restoring from the trash,
-- which write no revision and which pages.deleted_at forgets on restore. Both are indexed on
-- (created_at, id), the order of the list and its cursor.
CREATE TABLE "trash_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"page_id" integer NOT NULL,
	"kind" text NOT NULL,
	"revision" integer NOT NULL,
	"actor_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trash_events_kind_check" CHECK ("trash_events"."kind" in ('trashed', 'untrashed'))
);
--> statement-breakpoint
ALTER TABLE "revisions" ADD COLUMN "restored_from" integer;--> statement-breakpoint
ALTER TABLE "trash_events" ADD CONSTRAINT "trash_events_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trash_events" ADD CONSTRAINT "trash_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trash_events_created_at_idx" ON "trash_events" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "trash_events_page_idx" ON "trash_events" USING btree ("page_id");--> statement-breakpoint
CREATE INDEX "revisions_created_at_idx" ON "revisions" USING btree ("created_at","id");
--> statement-breakpoint
-- Pages already in the trash: their deletion as the page records it. Earlier trash-and-restore cycles left
-- no trace to recover, and earlier restores of old revisions keep restored_from null (their message says it).
INSERT INTO "trash_events" ("page_id", "kind", "revision", "actor_id", "created_at")
  SELECT "id", 'trashed', "revision", "deleted_by", "deleted_at" FROM "pages" WHERE "deleted_at" IS NOT NULL;
