export { TLP2_MARKING_IDS } from './markings/tlp';
