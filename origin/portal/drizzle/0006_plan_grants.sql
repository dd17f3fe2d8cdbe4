CREATE TABLE "plan_grants" (
	"user_id" text NOT NULL,
	"plan" text NOT NULL,
	"customer_id" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plan_grants_user_id_plan_pk" PRIMARY KEY("user_id","plan")
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "checkout_user_sub" text;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "keycloak_user_id" text;--> statement-breakpoint
-- Grants made before this table existed: the accounts the portal created (set_password_emails names
-- their Keycloak user) hold the plan the portal gave them. Plans given to accounts that existed before
-- their purchase cannot be told from an administrator's and are left alone (README: upgrading).
INSERT INTO "plan_grants" ("user_id", "plan", "customer_id")
SELECT e."user_id", s."plan", s."customer_id" FROM "set_password_emails" e JOIN "subscriptions" s ON s."customer_id" = e."customer_id"
WHERE s."plan" IS NOT NULL
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "subscriptions" s SET "keycloak_user_id" = e."user_id" FROM "set_password_emails" e WHERE e."customer_id" = s."customer_id";
