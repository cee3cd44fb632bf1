import { useState } from 'react';
import { Button } from './ui/button.tsx';

/**
 * Previous/next paging over a cursor-paginated list (`{ has_more, next_cursor }`): the cursors
 * of the pages before this one are kept, so "Previous" can go back.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    /** The cursor of the current page (`starting_after`), undefined on the first. */
    current: cursors.at(-1),
    hasPrevious: cursors.length > 0,
    previous: () => setCursors((c) => c.slice(0, -1)),
    next: (cursor: string) => setCursors((c) => [...c, cursor]),
    reset: () => setCursors([]),
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

export function CursorPager(props: {
  pages: CursorPages;
  page: { has_more: boolean; next_cursor: string | null };
  isPlaceholderData: boolean;
}) {
  const { pages, page } = props;
  const next = page.has_more ? page.next_cursor : null;
  return (
    <div className="mt-4 flex justify-between">
      <Button variant="outline" size="sm" disabled={!pages.hasPrevious} onClick={pages.previous}>
        Previous
      </Button>
      <Button
        variant="outline"
        size="sm"
        disabled={!next || props.isPlaceholderData}
        onClick={() => next && pages.next(next)}
      >
        Next
      </Button>
    </div>
  );
}
