import type {
  ComparisonBinary,
  ComparisonExpression,
  ObservationBinary,
  ObservationExpression,
} from './ast';

// The parser builds `a AND b AND c` as a left-deep tree, one level per operator, so a
// pattern of 9,000 AND-ed comparisons is 9,000 levels deep. Every walker reads such a
// chain as a flat list of operands instead, so recursion depth follows the nesting of
// brackets and parentheses (bounded by `maxDepth`), not the length of a chain.

/**
 * The operands of a left-deep chain of one observation operator, left to right, read
 * without recursion: `(a AND b) AND c` gives `[a, b, c]`.
 *
 * @internal
 */
export function observationOperands(e: ObservationBinary): ObservationExpression[] {
  const rights: ObservationExpression[] = [];
  let node: ObservationExpression = e;
  while (node.kind === 'observation-op' && node.operator === e.operator) {
    rights.push(node.right);
    node = node.left;
  }
  rights.push(node);
  return rights.reverse();
}

/**
 * The operands of a left-deep chain of one comparison operator, left to right, read
 * without recursion.
 *
 * @internal
 */
export function comparisonOperands(e: ComparisonBinary): ComparisonExpression[] {
  const rights: ComparisonExpression[] = [];
  let node: ComparisonExpression = e;
  while (node.kind === 'comparison-op' && node.operator === e.operator) {
    rights.push(node.right);
    node = node.left;
  }
  rights.push(node);
  return rights.reverse();
}

/**
 * Every comparison test (`path op literal` or `EXISTS path`) under an observation
 * expression, in source order, collected with an explicit stack.
 *
 * @internal
 */
export function observationLeaves(e: ObservationExpression): ComparisonExpression[] {
  const out: ComparisonExpression[] = [];
  const stack: ObservationExpression[] = [e];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'observation') out.push(node.comparison);
    else if (node.kind === 'qualified') stack.push(node.expression);
    else stack.push(node.right, node.left);
  }
  return out;
}

/**
 * Every test (`path op literal` or `EXISTS path`) under a comparison expression, in
 * source order, collected with an explicit stack.
 *
 * @internal
 */
export function comparisonTests(
  e: ComparisonExpression,
): Exclude<ComparisonExpression, ComparisonBinary>[] {
  const out: Exclude<ComparisonExpression, ComparisonBinary>[] = [];
  const stack: ComparisonExpression[] = [e];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.kind === 'comparison-op') stack.push(node.right, node.left);
    else out.push(node);
  }
  return out;
}
