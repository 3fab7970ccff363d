import type { FuzzTarget, Recipe } from '../target';
import { extractIocsTarget } from './extract-iocs';
import { indicatorIndexTarget } from './indicator-index';
import { jsonParseBaseline } from './json-parse-baseline';
import { mispToStixTarget } from './misp-to-stix';
import { parseAgreementTarget } from './parse-agreement';
import { parseFeedTarget } from './parse-feed';
import { parseFeedStreamTarget } from './parse-feed-stream';
import { parseStixTarget } from './parse-stix';
import { parseStixStreamTarget } from './parse-stix-stream';
import { patternsTarget } from './patterns';
import { projectTarget } from './project';
import { stixToMispTarget } from './stix-to-misp';
import { validateStixObjectTarget } from './validate-stix-object';
import { watchdogSelfTest } from './watchdog-self-test';

/** Every fuzzed entry point, in report order. */
export const TARGETS: readonly FuzzTarget<Recipe>[] = [
  parseStixTarget,
  parseStixStreamTarget,
  validateStixObjectTarget,
  patternsTarget,
  indicatorIndexTarget,
  extractIocsTarget,
  parseFeedTarget,
  parseFeedStreamTarget,
  mispToStixTarget,
  stixToMispTarget,
  parseAgreementTarget,
  projectTarget,
] as unknown as readonly FuzzTarget<Recipe>[];

/** Looks a target up by name (a `Map`, since names arrive over IPC). */
export const TARGETS_BY_NAME: ReadonlyMap<string, FuzzTarget<Recipe>> = new Map(
  [
    ...TARGETS,
    jsonParseBaseline as unknown as FuzzTarget<Recipe>,
    watchdogSelfTest as unknown as FuzzTarget<Recipe>,
  ].map((target) => [target.name, target]),
);
