/** One problem found in feed input, with the JSON path or line where it is. */
export interface FeedIssue {
  /** Where the problem is: a JSON path (`objects[3].id`) or `line 12`. */
  path: string;
  /** One sentence saying what is wrong. */
  message: string;
}
