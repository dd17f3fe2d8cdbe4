// The people tests act as: an editor (the instance default role), a platform admin, and a reader.
import { identity } from './edge-keys.ts';
import type { InstanceHarness } from './instance-harness.ts';

export const editor = identity({ sub: 'editor-1', username: 'eddie', name: 'Eddie Editor', email: 'eddie@example.test' });
export const admin = identity({ sub: 'admin-1', username: 'ada', name: 'Ada Admin', email: 'ada@example.test', roles: ['platform-admin'], plan: null, groups: [] });
export const reader = identity({ sub: 'reader-1', username: 'rita', name: 'Rita Reader', email: 'rita@example.test' });

/** Makes `reader` a reader in this instance (through the API, as an admin would). */
export async function demoteReader(h: InstanceHarness): Promise<void> {
  const me = await h.api('/api/me', { as: reader });
  const res = await h.api(`/api/users/${me.body.user.id}`, { method: 'PUT', as: admin, body: { role: 'reader' } });
  if (res.status !== 200) throw new Error(`could not demote reader: ${JSON.stringify(res.body)}`);
}

export async function createPage(h: InstanceHarness, page: { path?: string; title: string; content: string }, as = editor) {
  const res = await h.api('/api/pages', { method: 'POST', body: page, as });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; path: string; title: string; revision: number; html: string };
}
