import { describe, expect, it } from 'vitest';
import { validatePattern } from './index';

// Fuzz finding (issue 19): object types named after Object.prototype members were looked up
// in the SCO property table and answered with its members ("holds Object values").
describe('validatePattern with Object.prototype member names as object types', () => {
  it.each([
    "[constructor:name = 'x']",
    '[toString:length = 1]',
    '[__proto__:x = 1]',
    "[hasOwnProperty:value = 'a']",
  ])('%s is an unknown object type, nothing more', (pattern) => {
    const { issues } = validatePattern(pattern);
    expect(issues.map((i) => i.code)).toEqual(['unknown-object-type']);
    expect(issues[0]!.severity).toBe('warning');
  });
});
