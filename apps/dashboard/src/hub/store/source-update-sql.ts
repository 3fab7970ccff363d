import type { SourceUpdate } from './hub-store';

/** The SET clauses of a source update, with placeholders from `placeholder` (shared by both stores). */
export function sourceUpdateSql(
  update: SourceUpdate,
  placeholder: (n: number) => string,
): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    sets.push(sql(placeholder(values.length)));
  };
  if (update.lastPollAt !== undefined) add((p) => `last_poll_at = ${p}`, update.lastPollAt);
  if (update.lastOkAt !== undefined) add((p) => `last_ok_at = ${p}`, update.lastOkAt);
  if (update.lastError !== undefined)
    add(
      (p) => `last_error = ${p}`,
      update.lastError === null ? null : update.lastError.slice(0, 1000),
    );
  if (update.lastIssue !== undefined)
    add((p) => `last_issue = ${p}`, update.lastIssue.slice(0, 1000));
  if (update.addPolls) add((p) => `polls = polls + ${p}`, update.addPolls);
  if (update.addNew) add((p) => `new_count = new_count + ${p}`, update.addNew);
  if (update.addUpdated) add((p) => `updated_count = updated_count + ${p}`, update.addUpdated);
  if (update.addRejected) add((p) => `rejected_count = rejected_count + ${p}`, update.addRejected);
  if (update.addIssues) add((p) => `issue_count = issue_count + ${p}`, update.addIssues);
  return { sets, values };
}
