export function Pagination({
  page,
  hasPrevious,
  hasNext,
  onPage,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPage: (page: number) => void;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span aria-current="page">Page {page}</span>
      <button type="button" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        Next
      </button>
    </nav>
  );
}
