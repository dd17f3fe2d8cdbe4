// The OpenAPI 3.1 description of the instance JSON API, served at /api/openapi.json. Request bodies
// come from the same zod schemas the routes validate with, so the document cannot drift from them.
import { Hono } from 'hono';
import { z } from 'zod';
import type { InstanceEnv } from '../deps.ts';
import { RoleBody, SettingsBody } from './api-misc.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../policy/paging.ts';
import { CHANGE_KINDS } from '../policy/recent-changes.ts';
import { CreatePageBody, UpdatePageBody } from './api-pages.ts';
import { CompleteUploadSchema } from '#shared/media-contract';
import { USING_PAGES_LISTED } from '../store/media-refs.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema?: unknown) => (schema ? { description, ...json(schema) } : { description });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'Error', ...json(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input; the message names the field',
  401: 'No valid edge assertion',
  403: 'Your role does not allow this',
  404: 'No such page, revision, user or file',
  409: 'Stale revision (details.currentRevision, details.current) or path taken',
  422: 'The revisions differ in too many lines to compare (details.maxChanges)',
  413: 'The body is too large',
  415: 'Send the body with the content type named',
  429: 'Busy: try again later',
  502: 'File storage cannot be reached; nothing was changed',
};
const id = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'integer', minimum: 1 } });
const body = (schema: z.ZodType) => ({ required: true, ...json(z.toJSONSchema(schema, { io: 'input' })) });

// Keyset paging (policy/paging.ts): pass the answer's `next` back as `before` (newest-first lists) or
// `after` (ascending lists) until `next` is null.
const limit = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, default: PAGE_SIZE_DEFAULT }, description: `Rows per page; more than ${PAGE_SIZE_MAX} is taken as ${PAGE_SIZE_MAX}` };
const cursor = (name: 'before' | 'after', type: 'integer' | 'string', description: string) => ({ name, in: 'query', schema: { type }, description });
const paged = (description: string, list: string, items: unknown, next: unknown, extra: Record<string, unknown> = {}) =>
  ok(description, { type: 'object', required: [list, 'next'], properties: { ...extra, [list]: { type: 'array', items }, next: { oneOf: [next, { type: 'null' }], description: 'Cursor of the next page; null on the last page' } } });
const opaque = { type: 'string', description: 'Opaque: pass it back unchanged' };

const PageSummary = {
  type: 'object',
  required: ['id', 'path', 'title', 'revision', 'html'],
  properties: { id: { type: 'integer' }, path: { type: 'string' }, title: { type: 'string' }, revision: { type: 'integer' }, html: { type: 'string', description: 'Sanitised HTML' } },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'wikiplatform instance API',
    version: '1.0.0',
    description: 'Every request comes through the platform edge, which authenticates the user. Errors are {error:{code,message,requestId}}.',
  },
  paths: {
    '/api/pages': {
      get: {
        summary: 'List live pages in path order, a page at a time',
        parameters: [
          { name: 'prefix', in: 'query', schema: { type: 'string' }, description: 'Only this path and below' },
          limit,
          cursor('after', 'string', 'The `next` of the previous page: the path its last page had'),
        ],
        responses: { 200: paged('Pages', 'pages', ref('PageListItem'), { type: 'string', description: 'The last path of this page' }), ...errors(400) },
      },
      post: { summary: 'Create a page (editors)', requestBody: body(CreatePageBody), responses: { 201: ok('Created', ref('PageSummary')), ...errors(400, 403, 409) } },
    },
    '/api/pages/{id}': {
      parameters: [id()],
      get: { summary: 'Read a page with its source, TOC and backlinks', responses: { 200: ok('The page', ref('Page')), ...errors(400, 404) } },
      put: {
        summary: 'Edit, rename or move a page; `revision` is the revision the edit started from',
        requestBody: body(UpdatePageBody),
        responses: { 200: ok('The new revision', ref('PageSummary')), ...errors(400, 403, 404, 409) },
      },
      delete: { summary: 'Move a page to the trash (editors)', responses: { 200: ok('Trashed'), ...errors(403, 404) } },
    },
    '/api/pages/{id}/revisions': {
      parameters: [id()],
      get: {
        summary: 'Revision history, newest first, a page at a time',
        parameters: [limit, cursor('before', 'integer', 'The `next` of the previous page: only revisions numbered below it')],
        responses: { 200: paged('Revisions', 'revisions', { type: 'object' }, { type: 'integer', description: 'The last revision number of this page' }), ...errors(400, 404) },
      },
    },
    '/api/pages/{id}/revisions/{rev}': {
      parameters: [id(), id('rev')],
      get: { summary: 'One revision: title, path, source and rendered HTML', responses: { 200: ok('Revision'), ...errors(404) } },
    },
    '/api/pages/{id}/revisions/{rev}/restore': {
      parameters: [id(), id('rev')],
      post: { summary: 'Restore an old revision as a new revision', responses: { 200: ok('The new revision', ref('PageSummary')), ...errors(403, 404, 409) } },
    },
    '/api/pages/{id}/diff': {
      parameters: [id(), { name: 'from', in: 'query', required: true, schema: { type: 'integer' } }, { name: 'to', in: 'query', required: true, schema: { type: 'integer' } }],
      get: { summary: 'Line diff between two revisions', responses: { 200: ok('Diff'), ...errors(400, 404, 422) } },
    },
    '/api/trash': {
      get: {
        summary: 'Pages in the trash, most recently deleted first, a page at a time (editors)',
        parameters: [limit, cursor('before', 'string', 'The `next` of the previous page')],
        responses: { 200: paged('Trashed pages', 'pages', { type: 'object' }, opaque), ...errors(400, 403) },
      },
    },
    '/api/changes': {
      get: {
        summary: 'Recent changes across the wiki, newest first, a page at a time: every revision, and moves to and from the trash',
        description:
          'Ties (one instant) come in a fixed order, so walking `next` gives every change once. Changes of pages now in the trash are listed for editors only (marked `trashed`, without links); a purged page\'s are gone.',
        parameters: [
          { name: 'path', in: 'query', schema: { type: 'string' }, description: 'Only changes made at this path or below (a move in or out counts)' },
          limit,
          cursor('before', 'string', 'The `next` of the previous page'),
        ],
        responses: { 200: paged('Changes', 'changes', ref('Change'), opaque), ...errors(400) },
      },
    },
    '/api/trash/{id}/restore': { parameters: [id()], post: { summary: 'Restore a page from the trash', responses: { 200: ok('Restored', ref('PageSummary')), ...errors(403, 404, 409) } } },
    '/api/trash/{id}': { parameters: [id()], delete: { summary: 'Purge a trashed page for good (admins)', responses: { 204: ok('Purged'), ...errors(403, 404) } } },
    '/api/search': {
      get: {
        summary: 'Full-text search (websearch syntax, accent-insensitive, title hits first, prefix matching)',
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('Results', ref('SearchResults')) },
      },
    },
    '/api/preview': {
      post: { summary: 'Render Markdown exactly as a save would (sanitised; editors)', requestBody: body(z.object({ content: z.string(), path: z.string().optional() })), responses: { 200: ok('HTML and TOC'), ...errors(400, 403) } },
    },
    '/api/me': { get: { summary: 'The signed-in user, their role and permissions here', responses: { 200: ok('Me') } } },
    '/api/users': {
      get: {
        summary: 'People of this instance by name, a page at a time',
        parameters: [limit, cursor('after', 'string', 'The `next` of the previous page')],
        responses: { 200: paged('Users', 'users', { type: 'object' }, opaque, { defaultRole: { type: 'string' } }), ...errors(400) },
      },
    },
    '/api/users/{id}': { parameters: [id()], put: { summary: 'Assign a role (admins); null means the instance default', requestBody: body(RoleBody), responses: { 200: ok('User'), ...errors(400, 403, 404) } } },
    '/api/settings': {
      get: { summary: 'Instance settings (admins)', responses: { 200: ok('Settings'), ...errors(403) } },
      put: { summary: 'Change settings (admins); changing searchLanguage re-indexes every page', requestBody: body(SettingsBody), responses: { 200: ok('Settings'), ...errors(400, 403) } },
    },
    '/api/import': {
      post: {
        summary: 'Create pages from a zip of Markdown (admins): an export of this platform, or any folder of .md files (folders give the hierarchy)',
        description:
          'All or nothing: any file with a problem refuses the whole archive (400, details.problems names each file). Paths that already have a page are left alone and listed in `existing`, or with existing=update given the imported title and text as a new revision. ' +
          "Files the new pages link to relatively (images, PDFs…, Obsidian's ![[embeds]]) are stored as uploads and the links point to them; links between the Markdown files become links between pages. " +
          'A linked file uploads would refuse (its type, the plan\'s size cap) is skipped and its link kept (`files.skipped`, with the reason); files beyond the storage left refuse the import (413). At most 50 MB, 2000 pages, 100 MB and 2000 linked files.',
        parameters: [
          { name: 'existing', in: 'query', schema: { type: 'string', enum: ['skip', 'update'], default: 'skip' }, description: 'A path that already has a page: left alone (skip), or given the imported title and text as a new revision (update)' },
        ],
        requestBody: { required: true, content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } },
        responses: {
          201: ok('Pages created: `created` (id, path), `updated` (id, path), `unchanged` and `existing` (paths), `files.imported` (file, url), `files.reused` (file, url: files this wiki stores already, its own export brought back), `files.skipped` (file, reason)'),
          200: ok('No page created: every path already had a page (some may be `updated`)'),
          ...errors(400, 403, 409, 413, 415, 429, 502),
        },
      },
    },
    '/api/media': {
      get: {
        summary: 'The uploaded files, newest first, each with how many pages use it',
        parameters: [limit, cursor('before', 'integer', 'The `next` of the previous page (a file id)')],
        responses: { 200: paged('A page of files', 'items', ref('MediaFile'), { type: 'integer' }), ...errors(400) },
      },
      post: {
        summary: 'Record an upload once the browser has PUT it to the URL the edge signed (POST /_media/uploads on the instance host)',
        requestBody: body(CompleteUploadSchema),
        responses: { 201: ok('The file', ref('MediaFile')), 200: ok('Already recorded', ref('MediaFile')), ...errors(400, 403, 404, 409, 415, 502) },
      },
    },
    '/api/media/{id}': {
      parameters: [id()],
      get: {
        summary: 'One file and the pages that use it',
        description: `\`usedBy.pages\` lists the first ${USING_PAGES_LISTED} live pages by title; the counts cover all of them.`,
        responses: { 200: ok('The file', { allOf: [ref('MediaFile'), { type: 'object', properties: { usedBy: { allOf: [ref('FileUse'), { type: 'object', properties: { pages: { type: 'array', items: ref('PageRef') } } }] } } }] }), ...errors(404) },
      },
      delete: { summary: 'Delete the file and its stored object (its uploader or an admin); pages using it keep a broken link', responses: { 204: ok('Deleted'), ...errors(403, 404, 502) } },
    },
    '/api/media/usage': { get: { summary: 'Storage used against the quota (admins)', responses: { 200: ok('Usage'), ...errors(403) } } },
    '/api/export': {
      get: {
        summary: 'The whole wiki as a zip (admins): every live page as Markdown with YAML front matter, the uploaded files, a manifest (wiki.json)',
        description: 'Streamed as it is written. One export at a time per instance (429 while one runs). Browsers must start it from this wiki itself (Sec-Fetch-Site same-origin or none).',
        parameters: [{ name: 'media', in: 'query', schema: { type: 'string', enum: ['0', '1'], default: '1' }, description: '0 leaves the uploaded files out' }],
        responses: { 200: { description: 'The archive', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } }, ...errors(400, 403, 429) },
      },
    },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message', 'requestId'], properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, details: {} } } },
      },
      PageSummary,
      Page: { allOf: [PageSummary, { type: 'object', properties: { content: { type: 'string' }, toc: { type: 'array' }, backlinks: { type: 'array' }, updatedBy: { type: ['string', 'null'] } } }] },
      PageListItem: { type: 'object', properties: { id: { type: 'integer' }, path: { type: 'string' }, title: { type: 'string' }, revision: { type: 'integer' }, updatedAt: { type: 'string' } } },
      Change: {
        type: 'object',
        required: ['kind', 'pageId', 'revision', 'path', 'title', 'currentPath', 'trashed', 'createdAt', 'links'],
        properties: {
          kind: { type: 'string', enum: [...CHANGE_KINDS] },
          pageId: { type: 'integer' },
          revision: { type: 'integer', description: 'The revision made; for a move to or from the trash, the page\'s revision then' },
          path: { type: 'string', description: 'The path as of this change' },
          title: { type: 'string', description: 'The title as of this change' },
          previousPath: { type: ['string', 'null'], description: 'Where a move took the page from' },
          previousTitle: { type: ['string', 'null'], description: 'The title a rename replaced' },
          currentPath: { type: 'string', description: 'Where the page is now' },
          trashed: { type: 'boolean', description: 'The page is in the trash now' },
          restoredFrom: { type: ['integer', 'null'], description: 'The old revision a restore brought back' },
          message: { type: ['string', 'null'], description: 'The revision\'s note; null for a move to or from the trash' },
          authorName: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
          links: {
            type: 'object',
            description: 'Browser URLs on this wiki: the page, the revision, its diff against the previous one (null where there is none)',
            properties: { page: { type: ['string', 'null'] }, revision: { type: ['string', 'null'] }, diff: { type: ['string', 'null'] } },
          },
        },
      },
      MediaFile: {
        type: 'object',
        required: ['id', 'key', 'url', 'filename', 'contentType', 'size', 'uploadedBy', 'createdAt', 'markdown'],
        properties: {
          id: { type: 'integer' },
          key: { type: 'string', description: 'Storage key' },
          url: { type: 'string', description: 'Path on this wiki\'s host (/_media/…) that serves it to signed-in readers' },
          filename: { type: 'string' },
          contentType: { type: 'string' },
          size: { type: 'integer', description: 'Bytes' },
          uploadedBy: { oneOf: [{ type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } }, { type: 'null' }] },
          createdAt: { type: 'string', format: 'date-time' },
          markdown: { type: 'string', description: 'What to write in a page to show it (an image) or link to it' },
          usedBy: ref('FileUse'),
        },
      },
      FileUse: {
        type: 'object',
        description: 'Pages whose text shows or links to the file (/_media/… images and links; not paths quoted as code)',
        required: ['live', 'trashed'],
        properties: { live: { type: 'integer' }, trashed: { type: 'integer', description: 'Pages in the trash that would use it again if restored' } },
      },
      PageRef: { type: 'object', required: ['id', 'path', 'title'], properties: { id: { type: 'integer' }, path: { type: 'string' }, title: { type: 'string' } } },
      SearchResults: {
        type: 'object',
        properties: {
          results: {
            type: 'array',
            items: { type: 'object', properties: { id: { type: 'integer' }, path: { type: 'string' }, title: { type: 'string' }, snippet: { type: 'string', description: 'HTML: escaped text with <mark> around matches' } } },
          },
        },
      },
    },
  },
};

export function openApiRoute() {
  const app = new Hono<InstanceEnv>();
  app.get('/api/openapi.json', (c) => c.json(openApiDocument));
  return app;
}
