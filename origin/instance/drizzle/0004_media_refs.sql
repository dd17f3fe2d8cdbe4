CREATE TABLE "media_refs" (
	"page_id" integer NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "media_refs_page_id_key_pk" PRIMARY KEY("page_id","key")
);
--> statement-breakpoint
CREATE TABLE "media_refs_backfill" (
	"after_page_id" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "media_refs" ADD CONSTRAINT "media_refs_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_refs_key_idx" ON "media_refs" USING btree ("key");--> statement-breakpoint
-- The pages saved before this migration are scanned once, at the instance's next start (backfillMediaRefs).
INSERT INTO "media_refs_backfill" ("after_page_id") VALUES (0);
