import { describe, expect, it } from 'vitest';
import { parseStix } from '../src/index';

// Issue 19: a STIX 2.0 object whose `type` is an `Object.prototype` member name must not
// gain a property named after that member's source text when it is upgraded to 2.1.
describe('STIX 2.0 upgrade with Object.prototype member names as types', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty'])(
    'type %s gets no *_types property',
    (type) => {
      const text = JSON.stringify([
        {
          type,
          id: `${type}--0b9a2ab4-ea1e-4a62-a2b5-0a1b6c1e2f3d`,
          created: '2016-01-01T00:00:00.000Z',
          modified: '2016-01-01T00:00:00.000Z',
          labels: ['a'],
        },
      ]);
      const { objects } = parseStix(text, { mode: 'lenient', allowCustom: true });
      for (const object of objects) {
        for (const key of Object.keys(object)) expect(key).not.toMatch(/function|native code|\s/);
        expect(Object.keys(object)).not.toContain('undefined');
      }
    },
  );
});
