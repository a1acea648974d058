import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractReference, markdownReference } from '../../src/core/words/help-text.js';
import { catalog } from '../../src/ops/catalog.js';
import { fieldsOf } from '../../src/core/words/op-fields.js';

describe('README command reference', () => {
  it('matches the catalog (regenerate with `npm run docs`)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(extractReference(readme)).toBe(markdownReference(catalog));
  });
});

describe('catalog', () => {
  it('has unique names and verbs, snake_case names, and a description on every input field', () => {
    expect(new Set(catalog.map((o) => o.name)).size).toBe(catalog.length);
    expect(new Set(catalog.map((o) => o.verb)).size).toBe(catalog.length);
    for (const op of catalog) {
      expect(op.name).toMatch(/^[a-z]+(_[a-z]+)+$/);
      for (const f of fieldsOf(op)) expect(f.description, `${op.name}.${f.name} needs .describe()`).not.toBe('');
    }
  });
});
