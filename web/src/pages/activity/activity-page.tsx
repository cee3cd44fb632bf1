import { useEffect, useRef } from 'react';
import { useActivityFeed } from '../../api/activity.ts';
import { ActivityList } from '../../components/activity-list.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, PageHeader } from '../../components/ui/card.tsx';
import { Empty, ErrorState, Loading } from '../../components/ui/states.tsx';

export function ActivityPage() {
  const feed = useActivityFeed();
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = feed;

  // Infinite scroll: load the next page when the end of the list comes into view.
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const entries = feed.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <div>
      <PageHeader title="Activity" description="Every movement of your money, newest first." />
      {feed.isPending ? (
        <Loading label="Loading activity…" />
      ) : feed.isError && entries.length === 0 ? (
        <ErrorState error={feed.error} onRetry={() => void feed.refetch()} />
      ) : entries.length === 0 ? (
        <Empty title="No activity yet">Send or request money to get started.</Empty>
      ) : (
        <Card className="py-1 sm:py-1">
          <ActivityList entries={entries} />
          <div ref={sentinel} className="flex justify-center py-3">
            {feed.isFetchNextPageError ? (
              <ErrorState error={feed.error} onRetry={() => void fetchNextPage()} />
            ) : hasNextPage ? (
              <Button
                variant="outline"
                size="sm"
                disabled={isFetchingNextPage}
                onClick={() => void fetchNextPage()}
              >
                {isFetchingNextPage ? 'Loading…' : 'Load more'}
              </Button>
            ) : (
              <span className="text-sm text-muted-foreground">That’s everything.</span>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}
