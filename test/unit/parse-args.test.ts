import { describe, expect, it } from 'vitest';
import { parseOpArgs, splitWords } from '../../src/core/words/parse-words.js';
import { requireOp } from '../../src/ops/catalog.js';
import { OpsError } from '../../src/core/errors.js';

describe('parseOpArgs', () => {
  it('maps positionals, repeated map flags and plain flags from the schema', () => {
    const op = requireOp('create');
    expect(parseOpArgs(op, ['db', '--label', 'a=b', '--label=c=d=e', '--opt', 'type=tmpfs', '--driver', 'local', '--host', 'h1'])).toEqual({
      name: 'db',
      labels: { a: 'b', c: 'd=e' },
      driverOpts: { type: 'tmpfs' },
      driver: 'local',
      host: 'h1',
    });
  });

  it('handles booleans, --no- and lists', () => {
    const op = requireOp('volumes');
    expect(parseOpArgs(op, ['--dangling', '--no-sizes', '--label', 'x', '--label', 'y=1'])).toEqual({ dangling: true, sizes: false, label: ['x', 'y=1'] });
    expect(parseOpArgs(op, ['--dangling=false'])).toEqual({ dangling: false });
  });

  it('coerces numbers and rejects non-numbers', () => {
    const op = requireOp('audit');
    expect(parseOpArgs(op, ['--limit', '5'])).toEqual({ limit: 5 });
    expect(() => parseOpArgs(op, ['--limit', 'five'])).toThrow(/--limit expects a number, got "five"/);
  });

  it('names unknown options, missing values, bad maps and extra arguments', () => {
    const op = requireOp('create');
    const codeOf = (words: string[]): string => {
      try {
        parseOpArgs(op, words);
        return 'none';
      } catch (e) {
        return (e as OpsError).code + ': ' + (e as OpsError).message;
      }
    };
    expect(codeOf(['x1', '--nope'])).toMatch(/^invalid_input: create: unknown option --nope/);
    expect(codeOf(['x1', '--driver'])).toMatch(/--driver needs a value/);
    expect(codeOf(['x1', '--label', 'novalue'])).toMatch(/--label expects KEY=VALUE/);
    expect(codeOf(['x1', 'x2'])).toMatch(/unexpected argument "x2"/);
    expect(codeOf(['x1', '--driver', 'a', '--driver', 'b'])).toMatch(/given twice/);
  });
});

describe('splitWords', () => {
  it('honours quotes', () => {
    expect(splitWords(`create "my vol" --label 'a=b c'  --x`)).toEqual(['create', 'my vol', '--label', 'a=b c', '--x']);
  });
});
