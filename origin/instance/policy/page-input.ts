// What a page's title, text, path and change note may be, wherever they come from (the JSON API and the
// editor's form alike): one set of limits, so a form post cannot store what the API would refuse.
import { z } from 'zod';

export const MAX_CONTENT_LENGTH = 500_000;

const MAX_TITLE_LENGTH = 200;
const TITLE_TOO_LONG = `must be at most ${MAX_TITLE_LENGTH} characters`;

export const PageTitle = z.string().trim().min(1, 'must not be empty').max(MAX_TITLE_LENGTH, TITLE_TOO_LONG);
export const PageContent = z.string().max(MAX_CONTENT_LENGTH, `must be at most ${MAX_CONTENT_LENGTH} characters`);
export const ChangeMessage = z.string().max(500, 'must be at most 500 characters');
/** Normalised later (policy/page-path.ts); this only bounds the work of normalising it. */
export const PagePathInput = z.string().max(600, 'must be at most 600 characters');

/** The editor's fields as posted for saving; the path may be empty (then derived from the title). */
export const PageForm = z.object({
  title: z.string().trim().min(1, 'a page needs a title').max(MAX_TITLE_LENGTH, TITLE_TOO_LONG),
  path: PagePathInput,
  content: PageContent,
  message: ChangeMessage,
});
/** For a preview: the same limits, the title not needed yet. */
export const PreviewForm = PageForm.extend({ title: z.string().max(MAX_TITLE_LENGTH, TITLE_TOO_LONG) });

const FIELD_LABELS: Readonly<Record<string, string>> = { title: 'Title', path: 'Path', content: 'Content', message: 'Change note' };

/** The first problem of a refused form, as one sentence for the form's notice. */
export function formProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = String(issue?.path[0] ?? 'form');
  return `${FIELD_LABELS[field] ?? field}: ${issue?.message ?? 'is not valid'}.`;
}
