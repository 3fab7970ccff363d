/** One object of a response page, stored or projected. */
export interface PageItem {
  id: string;
  added: number;
  version: string | null;
  /**
   * The object as UTF-8 JSON bytes, copied into the envelope as they are: stored objects
   * keep the bytes made at write time, so a page needs no parse, serialise or encode.
   */
  body: Uint8Array;
}

/** One page of an objects/versions/manifest answer, before it is written out. */
export interface Page {
  items: PageItem[];
  /**
   * Set instead of `items` when the storage joined the page's bodies itself
   * (`TaxiiStorage.queryJoinedBodies`, objects endpoint only): `body,body,…` as UTF-8.
   */
  joinedBodies?: Uint8Array;
  more: boolean;
  /** Position after the last source object considered (the cursor). */
  last: number;
  /** Position of the first source object considered, when any was. */
  first: number | undefined;
}
