export { TAXII_MEDIA_TYPE } from './media-types';
