// Where each role's drizzle-kit migrations live.
import { fileURLToPath } from 'node:url';

export const MIGRATIONS = {
  instance: fileURLToPath(new URL('./instance/drizzle', import.meta.url)),
  portal: fileURLToPath(new URL('./portal/drizzle', import.meta.url)),
} as const;
