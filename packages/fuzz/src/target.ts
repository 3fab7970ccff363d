import type fc from 'fast-check';
import type { Seeds } from './seeds';

/**
 * What an API step promises about throwing: `never` (any throw is a finding), `typed`
 * (only the package's `IntelshareError` family may be thrown).
 */
export type ThrowContract = 'never' | 'typed';

/**
 * Handed to a target's `run` in the child process: names the API step being executed, so a
 * failure is attributed to it, and collects invariant violations (silent drops or keeps).
 */
export interface Probe {
  /**
   * Marks the start of one API call and what it may throw. Steps with `timed: false`
   * (reference runs used only to check an answer) do not count against the time budget.
   */
  step(name: string, contract: ThrowContract, timed?: boolean): void;
  /** Records that an answer broke a documented guarantee (the run continues). */
  violation(message: string): void;
}

/** An input with an optional recipe: the code that builds it, shown in reports instead of bytes. */
export interface Recipe {
  recipe?: string;
}

/**
 * One fuzzed entry point: how to generate inputs (in the parent) and how to run one (in
 * the child). Inputs cross a process boundary, so they hold only strings, numbers, booleans,
 * arrays, `Uint8Array`s and plain objects without prototype-named keys (hostile JSON travels
 * as text and is parsed in the child, where `JSON.parse` creates own `__proto__` keys).
 */
export interface FuzzTarget<I extends Recipe = Recipe> {
  /** Report name, e.g. `parseStix`. */
  name: string;
  /** The package whose code is exercised. */
  owner: string;
  /** Input families by name; each an arbitrary over inputs. */
  families(seeds: Seeds): Record<string, fc.Arbitrary<I>>;
  /** Runs one input; throws escape to the watchdog, which classifies them with the current step's contract. */
  run(input: I, probe: Probe): unknown | Promise<unknown>;
  /** Size of the input in bytes (UTF-8), for the time budget and ms/MB. */
  size(input: I): number;
  /** Extra budget in ms beyond the per-MB one (e.g. a fixed cost per stream chunk). */
  extraBudgetMs?(input: I): number;
  /** A code line that reproduces the input (short; long inputs are described by their recipe). */
  reproduce(input: I): string;
}

/** Helper for building a target with its input type inferred. */
export function defineTarget<I extends Recipe>(target: FuzzTarget<I>): FuzzTarget<I> {
  return target;
}

const encoder = new TextEncoder();

/** UTF-8 length of a string (lone surrogates count as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** A JS literal for a string, cut to `max` characters with the length noted. */
export function literal(text: string, max = 240): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))} /* …${text.length - max} more characters */`;
}
