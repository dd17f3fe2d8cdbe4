import { describe, expect, it } from 'vitest';
import { splitName } from './split-name.ts';

describe('splitName', () => {
  it('takes the first word as first name and the rest as last name', () => {
    expect(splitName('Ada Lovelace')).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(splitName('  María  José   García López ')).toEqual({ firstName: 'María', lastName: 'José García López' });
  });

  it('gives a single word as first name only, and nothing for no name', () => {
    expect(splitName('Cher')).toEqual({ firstName: 'Cher' });
    expect(splitName('   ')).toEqual({});
    expect(splitName(null)).toEqual({});
  });

  it("caps each part at Keycloak's 255 characters without splitting a character", () => {
    const { lastName } = splitName(`A ${'😀'.repeat(300)}`);
    expect([...lastName!]).toHaveLength(255);
  });
});
