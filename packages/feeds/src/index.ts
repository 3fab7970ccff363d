export type { MediaType } from './taxii/media-type';
export { parseMediaType } from './taxii/media-type';
