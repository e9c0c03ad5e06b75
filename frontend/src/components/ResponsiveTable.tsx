import { useLayoutEffect, useRef, type ReactNode } from "react";

/**
 * What a card shows beside a cell: its column header as a person reads it. A header's `data-label`
 * wins (a short name for a long header); text marked aria-hidden (a sort arrow) is left out, and
 * visually hidden text ("Actions") is kept.
 */
export function headerLabel(header: HTMLTableCellElement): string {
  const explicit = header.getAttribute("data-label");
  if (explicit !== null) return explicit;
  const copy = header.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('[aria-hidden="true"]').forEach((decoration) => decoration.remove());
  return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
}

/**
 * Sets `data-label` on every data cell (`td`) of the body and foot rows to its column's header, which
 * the phone layout shows beside the value. Row headers (`th`) are the card's title and get none.
 * A `data-label` the page set itself is kept; `labelled` remembers the cells labelled here, so
 * that their labels follow the headers when those change.
 */
export function labelCells(table: HTMLTableElement, labelled: WeakSet<Element>): void {
  const head = table.tHead;
  const headerRow = head?.rows[head.rows.length - 1];
  if (!headerRow) return;
  const labels: string[] = [];
  for (const header of Array.from(headerRow.cells)) {
    labels.push(headerLabel(header), ...Array<string>(Math.max(0, header.colSpan - 1)).fill(""));
  }
  const sections = [...Array.from(table.tBodies), ...(table.tFoot ? [table.tFoot] : [])];
  for (const section of sections) {
    for (const row of Array.from(section.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const setByPage = cell.hasAttribute("data-label") && !labelled.has(cell);
        if (cell.tagName === "TD" && !setByPage) {
          const label = labels[column] ?? "";
          if (cell.getAttribute("data-label") !== label) cell.setAttribute("data-label", label);
          labelled.add(cell);
        }
        column += cell.colSpan;
      }
    }
  }
}

type ResponsiveTableProps = {
  /** A name for the table, read by screen readers (a visually hidden caption). */
  caption?: string;
  className?: string;
  testId?: string;
  /** thead, tbody and tfoot, written as for any table. */
  children: ReactNode;
};

/**
 * A list table that becomes stacked cards on a phone (styles.css, "Phone layouts"): one card per
 * row, each value beside its column's name, with no sideways scrolling. On wider screens it is the
 * usual table, scrolling inside its box when it must. The DOM stays a table in reading order, so
 * links and buttons keep their tab order in both layouts.
 *
 * Each cell's label comes from its column header (labelCells), kept current as rows are added or
 * replaced, so a page writes its table once and never repeats its headers per cell.
 */
export function ResponsiveTable({ caption, className, testId, children }: ResponsiveTableProps) {
  const tableRef = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const labelled = new WeakSet<Element>();
    labelCells(table, labelled);
    // Rows come and go (paging, polling, a row's own state) without this component rendering again.
    const observer = new MutationObserver(() => labelCells(table, labelled));
    observer.observe(table, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div className="table-scroll responsive-table">
      <table ref={tableRef} className={className ? `cards ${className}` : "cards"} data-testid={testId}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        {children}
      </table>
    </div>
  );
}
