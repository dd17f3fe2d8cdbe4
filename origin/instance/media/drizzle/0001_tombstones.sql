CREATE TABLE "media_tombstones" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "media_tombstones_expires_idx" ON "media_tombstones" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "media_uploads_user_expires_idx" ON "media_uploads" USING btree ("user_id","expires_at");