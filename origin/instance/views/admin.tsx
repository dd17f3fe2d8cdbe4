/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// People (everyone sees who is here; admins change roles) and instance settings (admins only).
import type { ImportResult } from '../services/wiki-import.ts';
import type { StorageUsage } from '../deps.ts';
import { ROLES } from '../policy/roles.ts';
import type { InstanceSettings } from '../store/settings.ts';
import { Layout } from './layout.tsx';
import { ListPager } from './links.tsx';
import { StorageUsageSummary } from './storage-usage.tsx';
import type { UiContext } from './ui-context.ts';

export interface PersonRow {
  id: number;
  name: string;
  username: string;
  email: string;
  role: string | null;
}

/** `people` is one page of them, by name; `pager` links to the next page and back to the first. */
/** `here` is the query of this page of the list: a role form sends it so the answer comes back to this page. */
export function PeopleScreen(props: { ui: UiContext; people: PersonRow[]; pager: { next: string | null; first?: string }; here: string; defaultRole: string; canManage: boolean }) {
  const { ui, people } = props;
  return (
    <Layout ui={ui} title="People">
      <h1>People</h1>
      <p class="muted">Anyone whose plan opens this wiki gets the default role ({props.defaultRole}) until an admin chooses another. Platform admins are always admins.</p>
      <table class="list" data-testid="people">
        <thead><tr><th>Name</th>{props.canManage && <th class="optional">Email</th>}<th>Role</th></tr></thead>
        <tbody>
          {people.map((p) => (
            <tr>
              <td>{p.name}<br /><span class="muted">{p.username}</span></td>
              {props.canManage && <td class="optional">{p.email}</td>}
              <td>
                {props.canManage ? (
                  <form method="post" action={`/_people/${p.id}${props.here}`} class="form-actions">
                    <select name="role" aria-label={`Role of ${p.name}`}>
                      <option value="" selected={p.role === null}>default ({props.defaultRole})</option>
                      {ROLES.map((r) => <option value={r} selected={p.role === r}>{r}</option>)}
                    </select>
                    <button type="submit" class="secondary">Set</button>
                  </form>
                ) : (
                  p.role ?? `default (${props.defaultRole})`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ListPager next={props.pager.next} nextLabel="Next" first={props.pager.first} firstLabel="First" />
    </Layout>
  );
}

export function SettingsScreen(props: { ui: UiContext; settings: InstanceSettings; languages: string[]; usage?: StorageUsage; saved?: boolean; error?: string; problems?: string[]; imported?: ImportResult }) {
  const { ui, settings } = props;
  return (
    <Layout ui={ui} title="Settings">
      <h1>Settings</h1>
      {props.saved && <p class="notice" role="status">Settings saved.</p>}
      {props.error && <p class="notice error" role="alert">{props.error}</p>}
      {props.problems && (
        <ul class="notice error" data-testid="import-problems">
          {props.problems.map((problem) => <li>{problem}</li>)}
        </ul>
      )}
      {props.imported && <ImportSummary result={props.imported} />}
      <form method="post" action="/_settings" class="stack" data-testid="settings">
        <label>Title<input type="text" name="title" value={settings.title ?? ''} placeholder={ui.instanceId} maxlength={100} /></label>
        <label>Description<textarea name="description" rows={3} maxlength={2000}>{settings.description}</textarea></label>
        <label>
          Search language
          <select name="searchLanguage">
            {props.languages.map((l) => <option value={l} selected={l === settings.searchLanguage}>{l}</option>)}
          </select>
        </label>
        <label>
          Default role for new people
          <select name="defaultRole">
            {ROLES.map((r) => <option value={r} selected={r === settings.defaultRole}>{r}</option>)}
          </select>
        </label>
        <div class="form-actions"><button type="submit">Save settings</button></div>
      </form>
      {props.usage && (
        <section data-testid="storage-usage">
          <h2>Storage</h2>
          <StorageUsageSummary usage={props.usage} />
          <p><a href="/_files">See and delete the uploaded files</a></p>
        </section>
      )}
      <section data-testid="export">
        <h2>Export</h2>
        <p>
          A zip of every page as Markdown (with its title, path and dates in front matter){props.usage ? ', the uploaded files,' : ''} and a
          manifest, <code>wiki.json</code>. Pages in the trash and the history are not included.
        </p>
        <p class="form-actions">
          <a class="button" href="/api/export" download>Download the wiki</a>
          {props.usage && <a href="/api/export?media=0" download>Pages only</a>}
        </p>
      </section>
      <section data-testid="import">
        <h2>Import</h2>
        <p>
          Pages from a zip of Markdown files: an export of a wiki of this platform, or a folder of <code>.md</code> files from
          another tool (folders become the page hierarchy; a title in front matter or the first heading names a page). A path that
          already has a page is left as it is, unless you choose to update it: it then gets the imported title and text as a new
          revision, its history kept. All or nothing: if one file has a problem, nothing is imported and the problems are listed.
          {props.usage && ' Images and other files the pages link to come along as uploads, and links between the files become links between pages.'}
        </p>
        <form method="post" action="/_import" enctype="multipart/form-data" class="form-actions">
          <input type="file" name="archive" accept=".zip,application/zip" required />
          <label><input type="checkbox" name="existing" value="update" /> Update pages that already exist</label>
          <button type="submit">Import pages</button>
        </form>
      </section>
    </Layout>
  );
}

function ImportSummary(props: { result: ImportResult }) {
  const { created, updated, unchanged, existing, files } = props.result;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const some = (paths: string[]) => `${paths.slice(0, 20).join(', ')}${paths.length > 20 ? ', …' : ''}`;
  const written = [...created, ...updated];
  return (
    <div class="notice" role="status" data-testid="import-summary">
      <p>
        Imported {plural(created.length, 'page')}{updated.length > 0 && `, updated ${plural(updated.length, 'page')}`}
        {files.imported.length > 0 && ` and ${plural(files.imported.length, 'file')} they link to`}.
        {files.reused.length > 0 && ` ${plural(files.reused.length, 'linked file')} ${files.reused.length === 1 ? 'was' : 'were'} in this wiki already and ${files.reused.length === 1 ? 'is' : 'are'} used as ${files.reused.length === 1 ? 'it is' : 'they are'}.`}
        {existing.length > 0 && ` ${existing.length} path${existing.length === 1 ? '' : 's'} already had a page and ${existing.length === 1 ? 'was' : 'were'} left as ${existing.length === 1 ? 'it was' : 'they were'}: ${some(existing)}.`}
        {unchanged.length > 0 && ` ${plural(unchanged.length, 'page')} already had the imported text: ${some(unchanged)}.`}
      </p>
      {written.length > 0 && (
        <ul>
          {written.slice(0, 50).map((page) => <li><a href={page.path}>{page.path}</a>{updated.includes(page) && ' (updated)'}</li>)}
        </ul>
      )}
      {files.skipped.length > 0 && (
        <>
          <p>{plural(files.skipped.length, 'linked file')} could not be kept, and the links to {files.skipped.length === 1 ? 'it stay' : 'them stay'} as written:</p>
          <ul data-testid="import-skipped-files">
            {files.skipped.slice(0, 50).map((f) => <li><code>{f.file}</code>: {f.reason}</li>)}
          </ul>
        </>
      )}
    </div>
  );
}
