import { describe, expect, it } from 'vitest';
import type { FeedValidationError } from '../errors/feed-validation-error';
import { parseJsonBytes } from './parse-json';

function rejection(text: string): FeedValidationError {
  try {
    parseJsonBytes(new TextEncoder().encode(text), 'The page');
  } catch (error) {
    return error as FeedValidationError;
  }
  throw new Error('expected a rejection');
}

describe('parseJsonBytes', () => {
  it('parses clean documents', () => {
    expect(parseJsonBytes('{"objects":[{"id":"x","name":"caf\\u00e9"}]}', 'The page')).toEqual({
      objects: [{ id: 'x', name: 'café' }],
    });
  });

  it('rejects a literal __proto__ key with its path', () => {
    expect(rejection('{"objects":[{"__proto__":{"polluted":1}}]}').issues[0]?.path).toBe(
      '$.objects[0].__proto__',
    );
  });

  it('rejects a __proto__ key spelled with JSON escapes', () => {
    const error = rejection('{"objects":[{"\\u005f_proto__":{"polluted":1}}]}');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues[0]?.path).toBe('$.objects[0].__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects an escaped prototype key under constructor', () => {
    expect(rejection('{"a":{"constructor":{"proto\\u0074ype":{}}}}').issues[0]?.path).toBe(
      '$.a.constructor',
    );
  });
});
