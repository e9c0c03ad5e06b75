import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { ApiError } from "../api/client";
import type { Paginated } from "../api/types";
import { renderWithProviders } from "../test/render";
import { PagedQueryView } from "./PagedQueryView";

type FetchPage = (page: number) => Promise<Paginated<string>>;

function Things({ fetchPage, firstPage = 1 }: { fetchPage: FetchPage; firstPage?: number }) {
  const [page, setPage] = useState(firstPage);
  const query = useQuery({
    queryKey: ["things", { page }],
    queryFn: () => fetchPage(page),
    placeholderData: keepPreviousData,
  });
  return (
    <PagedQueryView query={query} page={page} onPage={setPage} loadingLabel="Loading things…" empty={<p>No things.</p>}>
      {(items, data) => (
        <ul data-testid="things" aria-label={`${data.count} things`}>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </PagedQueryView>
  );
}

const pages: Record<number, Paginated<string>> = {
  1: { count: 3, next: "/api/v1/things/?page=2", previous: null, results: ["alpha", "beta"] },
  2: { count: 3, next: null, previous: "/api/v1/things/", results: ["gamma"] },
};

describe("PagedQueryView", () => {
  it("shows the loading label until the page arrives, then the items without page links", async () => {
    let answer: (value: Paginated<string>) => void = () => undefined;
    renderWithProviders(<Things fetchPage={() => new Promise((resolve) => (answer = resolve))} />);
    expect((await screen.findByTestId("loading")).textContent).toBe("Loading things…");
    answer({ count: 1, next: null, previous: null, results: ["alpha"] });
    expect((await screen.findByTestId("things")).textContent).toBe("alpha");
    expect(screen.getByRole("list", { name: "1 things" })).toBeTruthy();
    expect(screen.queryByTestId("loading")).toBeNull();
    expect(screen.queryByRole("navigation", { name: "Pages" })).toBeNull();
  });

  it("shows an error with a retry that fetches again", async () => {
    const fetchPage = vi
      .fn<FetchPage>()
      .mockRejectedValueOnce(new ApiError(500, "HTTP 500"))
      .mockResolvedValue(pages[1]!);
    renderWithProviders(<Things fetchPage={fetchPage} />);
    expect((await screen.findByTestId("error-state")).textContent).toContain("HTTP 500");
    await userEvent.setup().click(screen.getByRole("button", { name: "Try again" }));
    expect((await screen.findByTestId("things")).textContent).toBe("alphabeta");
    expect(screen.queryByTestId("error-state")).toBeNull();
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });

  it("shows the empty state when there is nothing", async () => {
    renderWithProviders(<Things fetchPage={async () => ({ count: 0, next: null, previous: null, results: [] })} />);
    expect((await screen.findByTestId("empty-state")).textContent).toBe("No things.");
    expect(screen.queryByTestId("things")).toBeNull();
    expect(screen.queryByRole("navigation", { name: "Pages" })).toBeNull();
  });

  it("moves to the next page and back", async () => {
    const fetchPage = vi.fn<FetchPage>(async (page) => pages[page]!);
    renderWithProviders(<Things fetchPage={fetchPage} />);
    const actions = userEvent.setup();
    expect((await screen.findByTestId("things")).textContent).toBe("alphabeta");
    const nav = screen.getByRole("navigation", { name: "Pages" });
    expect(nav.querySelector("[aria-current=page]")!.textContent).toBe("Page 1");
    expect(screen.getByRole("button", { name: "Previous" }).hasAttribute("disabled")).toBe(true);

    await actions.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getByTestId("things").textContent).toBe("gamma"));
    expect(screen.getByText("Page 2")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Next" }).hasAttribute("disabled")).toBe(true);

    await actions.click(screen.getByRole("button", { name: "Previous" }));
    await waitFor(() => expect(screen.getByTestId("things").textContent).toBe("alphabeta"));
    expect(fetchPage.mock.calls.map(([page]) => page).slice(0, 2)).toEqual([1, 2]);
  });

  it("steps back a page when the API says the page is past the end", async () => {
    const fetchPage = vi.fn<FetchPage>(async (page) => {
      if (page === 3) throw new ApiError(404, "Invalid page.");
      return pages[page]!;
    });
    renderWithProviders(<Things fetchPage={fetchPage} firstPage={3} />);
    await waitFor(() => expect(screen.getByTestId("things").textContent).toBe("gamma"));
    expect(screen.getByText("Page 2")).toBeTruthy();
    expect(screen.queryByTestId("error-state")).toBeNull();
  });
});
