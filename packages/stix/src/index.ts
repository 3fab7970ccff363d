export type { IntelshareErrorCode, IntelshareErrorOptions } from './errors/intelshare-error';
export { IntelshareError, isIntelshareError } from './errors/intelshare-error';
export { canonicalize } from './ids/canonicalize';
export { uuidV5 } from './ids/uuid-v5';
