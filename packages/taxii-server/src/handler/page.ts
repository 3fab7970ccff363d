/** One object of a response page, stored or projected. */
export interface PageItem {
  id: string;
  added: number;
  version: string | null;
  body: string;
}

/** One page of an objects/versions/manifest answer, before it is written out. */
export interface Page {
  items: PageItem[];
  more: boolean;
  /** Position after the last source object considered (the cursor). */
  last: number;
  /** Position of the first source object considered, when any was. */
  first: number | undefined;
}
