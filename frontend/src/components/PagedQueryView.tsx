import { useEffect, type ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import type { Paginated } from "../api/types";
import { Pagination } from "./Pagination";
import { EmptyState, ErrorState, LoadingState } from "./StateViews";

/**
 * One page of a paginated list query, in the console's usual order: loading, then an error
 * with a retry, then the empty state, then the items and the page links under them.
 */
export function PagedQueryView<T>({
  query,
  page,
  onPage,
  loadingLabel,
  empty,
  children,
}: {
  query: UseQueryResult<Paginated<T>>;
  page: number;
  onPage: (page: number) => void;
  loadingLabel: string;
  /** What EmptyState shows when the first page has no items. */
  empty: ReactNode;
  /** Renders the page's items; `data` carries the count and the links. */
  children: (items: T[], data: Paginated<T>) => ReactNode;
}) {
  // DRF answers 404 for a page past the end, e.g. after the last item of the last page was
  // deleted: step back a page rather than leave an error that a retry cannot fix.
  const pastTheEnd = page > 1 && query.isError && query.error instanceof ApiError && query.error.status === 404;
  useEffect(() => {
    if (pastTheEnd) onPage(page - 1);
  }, [pastTheEnd, page, onPage]);

  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const data = query.data;
  if (data.results.length === 0) return <EmptyState>{empty}</EmptyState>;
  return (
    <>
      {children(data.results, data)}
      <Pagination page={page} hasPrevious={Boolean(data.previous)} hasNext={Boolean(data.next)} onPage={onPage} />
    </>
  );
}
