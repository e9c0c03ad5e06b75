import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { ResponsiveTable } from "./ResponsiveTable";

type Row = { id: number; name: string; status: string };

function labelsOf(row: HTMLElement): (string | null)[] {
  return Array.from(row.querySelectorAll("th, td")).map((cell) => cell.getAttribute("data-label"));
}

function Jobs({ rows, statusHeader = "Status" }: { rows: Row[]; statusHeader?: string }) {
  return (
    <ResponsiveTable caption="Jobs" className="jobs-table" testId="jobs">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Compare</span>
          </th>
          <th scope="col">
            <button type="button">
              Job<span aria-hidden="true"> ↕</span>
            </button>
          </th>
          <th scope="col">{statusHeader}</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-testid="row">
            <td>
              <input type="checkbox" aria-label={`Compare job #${row.id}`} />
            </td>
            <th scope="row">
              <a href={`/jobs/${row.id}`}>{row.name}</a>
            </th>
            <td>{row.status}</td>
            <td>
              <button type="button">Cancel #{row.id}</button>
            </td>
          </tr>
        ))}
      </tbody>
    </ResponsiveTable>
  );
}

const two: Row[] = [
  { id: 1, name: "first", status: "running" },
  { id: 2, name: "second", status: "succeeded" },
];

describe("ResponsiveTable", () => {
  it("is a captioned table in a box the phone layout turns into cards", () => {
    render(<Jobs rows={two} />);
    const table = screen.getByRole("table", { name: "Jobs" });
    expect(table.getAttribute("data-testid")).toBe("jobs");
    expect(table.className).toBe("cards jobs-table");
    expect(table.parentElement?.className).toBe("table-scroll responsive-table");
  });

  it("labels each data cell with its column header as a person reads it, and leaves row headers as titles", () => {
    render(<Jobs rows={two} />);
    const [first] = screen.getAllByTestId("row");
    // visually hidden header text counts; the aria-hidden sort arrow does not; the row header gets none
    expect(labelsOf(first!)).toEqual(["Compare", null, "Status", "Actions"]);
  });

  it("labels rows added later and follows a header that changes", async () => {
    const { rerender } = render(<Jobs rows={two} />);
    rerender(<Jobs rows={[...two, { id: 3, name: "third", status: "queued" }]} statusHeader="State" />);
    const rows = screen.getAllByTestId("row");
    await waitFor(() => expect(labelsOf(rows[2]!)).toEqual(["Compare", null, "State", "Actions"]));
    expect(labelsOf(rows[0]!)).toEqual(["Compare", null, "State", "Actions"]);
  });

  it("labels the rows a child component renders on its own, without the table rendering again", async () => {
    function GrowingBody() {
      const [rows, setRows] = useState(1);
      return (
        <tbody>
          {Array.from({ length: rows }, (_, index) => (
            <tr key={index} data-testid="grown">
              <td>{`value ${index}`}</td>
              <td>
                <button type="button" onClick={() => setRows(rows + 1)}>
                  More
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      );
    }
    render(
      <ResponsiveTable caption="Growing">
        <thead>
          <tr>
            <th scope="col">Value</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <GrowingBody />
      </ResponsiveTable>,
    );
    await userEvent.setup().click(screen.getByRole("button", { name: "More" }));
    const rows = await screen.findAllByTestId("grown");
    await waitFor(() => expect(labelsOf(rows[1]!)).toEqual(["Value", "Action"]));
  });

  it("keeps a label the page set, takes a header's short label, and counts spanned columns", () => {
    render(
      <ResponsiveTable caption="Compare">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col" data-label="Job #12">
              Job #12 <div>resnet v3 · int8, a long line a card has no room for</div>
            </th>
            <th scope="col">Job #15</th>
            <th scope="col">Job #16</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="spanned">
            <th scope="row">Speed-up</th>
            <td colSpan={2}>both 1.5×</td>
            <td data-label="Newest">2.0×</td>
          </tr>
          <tr data-testid="plain">
            <th scope="row">Status</th>
            <td>succeeded</td>
            <td>failed</td>
            <td>running</td>
          </tr>
        </tbody>
        <tfoot>
          <tr data-testid="total">
            <th scope="row">Total</th>
            <td>3</td>
            <td />
            <td />
          </tr>
        </tfoot>
      </ResponsiveTable>,
    );
    expect(labelsOf(screen.getByTestId("spanned"))).toEqual([null, "Job #12", "Newest"]);
    expect(labelsOf(screen.getByTestId("plain"))).toEqual([null, "Job #12", "Job #15", "Job #16"]);
    expect(labelsOf(screen.getByTestId("total"))).toEqual([null, "Job #12", "Job #15", "Job #16"]);
  });

  it("keeps links and buttons in reading order, row by row, for the keyboard", async () => {
    render(<Jobs rows={two} />);
    const user = userEvent.setup();
    const table = screen.getByRole("table", { name: "Jobs" });
    const order: string[] = [];
    for (let step = 0; step < 7; step += 1) {
      await user.tab();
      const focused = document.activeElement as HTMLElement;
      if (!table.contains(focused)) break;
      order.push(focused.getAttribute("aria-label") ?? focused.textContent ?? "");
    }
    expect(order).toEqual(["Job ↕", "Compare job #1", "first", "Cancel #1", "Compare job #2", "second", "Cancel #2"]);
    expect(within(table).getAllByRole("link")).toHaveLength(2);
  });
});
