CREATE TABLE "provisioning_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"event_id" text NOT NULL,
	"intent" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"created" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"email" text,
	"name" text,
	"plan" text,
	"status" text NOT NULL,
	"last_event_created" bigint NOT NULL,
	"last_event_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "provisioning_outbox_due_idx" ON "provisioning_outbox" USING btree ("next_attempt_at") WHERE "provisioning_outbox"."done_at" is null;--> statement-breakpoint
CREATE INDEX "provisioning_outbox_customer_idx" ON "provisioning_outbox" USING btree ("customer_id","id") WHERE "provisioning_outbox"."done_at" is null;