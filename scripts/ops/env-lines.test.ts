import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { envValue, setEnvVariable, singleQuotedJson } from './env-lines.ts';

describe('env file lines', () => {
  it('sets a variable where it is, or after a named one, or at the end', () => {
    const text = '# comment\nA=1\nB_DB_PASSWORD=x\nC=3';
    expect(setEnvVariable(text, 'A', '2')).toBe('# comment\nA=2\nB_DB_PASSWORD=x\nC=3');
    expect(setEnvVariable(text, 'D_DB_PASSWORD', 'y', ['B_DB_PASSWORD'])).toBe('# comment\nA=1\nB_DB_PASSWORD=x\nD_DB_PASSWORD=y\nC=3');
    expect(setEnvVariable(text, 'E', '5')).toBe('# comment\nA=1\nB_DB_PASSWORD=x\nC=3\nE=5\n');
    expect(envValue(text, 'C')).toBe('3');
    expect(envValue(text, 'Z')).toBeUndefined();
  });

  it('quotes JSON so an env parser reads it back unchanged, apostrophes, # and ${…} included', () => {
    const json = JSON.stringify([{ id: 'a', title: "Ops' #1 ${HOME}" }]);
    const line = `INSTANCES=${singleQuotedJson(json)}`;
    expect(JSON.parse(parseEnv(line).INSTANCES!)).toEqual(JSON.parse(json));
  });
});
