import { describe, expect, it } from 'vitest';
import { can, effectiveRole, mayDeleteMedia, maySeeStorageUsage } from './roles.ts';

describe('instance roles', () => {
  it('gives the instance default to someone no admin has assigned a role', () => {
    expect(effectiveRole({ assigned: null, instanceDefault: 'editor', platformRoles: [] })).toBe('editor');
  });
  it('prefers the role an admin assigned over the default', () => {
    expect(effectiveRole({ assigned: 'reader', instanceDefault: 'editor', platformRoles: [] })).toBe('reader');
  });
  it('makes a platform admin an instance admin even when demoted locally', () => {
    expect(effectiveRole({ assigned: 'reader', instanceDefault: 'reader', platformRoles: ['platform-admin'] })).toBe('admin');
  });
  it('falls back to reader when the stored default is not a role', () => {
    expect(effectiveRole({ assigned: 'owner', instanceDefault: 'nonsense', platformRoles: [] })).toBe('reader');
  });
  it('lets readers read only, editors write, and only admins purge or manage', () => {
    expect(can('reader', 'read')).toBe(true);
    expect(can('reader', 'write')).toBe(false);
    expect(can('editor', 'write')).toBe(true);
    expect(can('editor', 'purge')).toBe(false);
    expect(can('editor', 'manage_settings')).toBe(false);
    expect(can('admin', 'manage_people')).toBe(true);
  });
  it('lets only admins export the whole wiki', () => {
    expect(can('reader', 'export')).toBe(false);
    expect(can('editor', 'export')).toBe(false);
    expect(can('admin', 'export')).toBe(true);
  });
  it('lets an editor delete only their own uploads, an admin any, a reader none', () => {
    expect(mayDeleteMedia({ id: 7, role: 'editor' }, 7)).toBe(true);
    expect(mayDeleteMedia({ id: 7, role: 'editor' }, 8)).toBe(false);
    expect(mayDeleteMedia({ id: 7, role: 'admin' }, 8)).toBe(true);
    expect(mayDeleteMedia({ id: 7, role: 'reader' }, 7)).toBe(false);
  });
  it('leaves a file whose uploader was removed to admins', () => {
    expect(mayDeleteMedia({ id: 7, role: 'editor' }, null)).toBe(false);
    expect(mayDeleteMedia({ id: 7, role: 'admin' }, null)).toBe(true);
  });
  it('shows storage usage against the quota to admins only', () => {
    expect(maySeeStorageUsage('admin')).toBe(true);
    expect(maySeeStorageUsage('editor')).toBe(false);
    expect(maySeeStorageUsage('reader')).toBe(false);
  });
});
