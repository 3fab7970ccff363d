// Public API plus the internal type registry, for tests that compare the fast validator
// with the zod schemas.
export { compareTimestamps, parseStix, serializeStix, validateStixObject } from '../../src/index';
export { STIX_TYPES as STIX_TYPE_NAMES_FOR_TESTS } from '../../src/model/schemas';
