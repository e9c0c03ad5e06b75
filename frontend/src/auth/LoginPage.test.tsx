import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { safeNextPath } from "./LoginPage";

describe("login", () => {
  it("sends an anonymous visitor to the login page, then back where they were going", async () => {
    let loggedIn = false;
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": () =>
        loggedIn ? { body: user } : { status: 401, body: { detail: "Not logged in.", errors: {} } },
      "POST /api/v1/auth/session/": () => {
        loggedIn = true;
        return { body: user };
      },
      "GET /api/v1/jobs/": { body: { count: 0, next: null, previous: null, results: [] } },
    });
    const { router } = renderApp("/jobs");
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    expect(router.state.location.search).toBe("?next=%2Fjobs");

    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Username"), "ada");
    await userActions.type(screen.getByLabelText("Password"), "secret");
    await userActions.click(screen.getByRole("button", { name: "Sign in" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs"));
    expect(await screen.findByTestId("empty-state")).toBeTruthy();
    expect(screen.getByTestId("current-user").textContent).toBe("ada");
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ username: "ada", password: "secret" });
  });

  it("shows why a login failed", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { status: 401, body: { detail: "Not logged in.", errors: {} } },
      "POST /api/v1/auth/session/": {
        status: 400,
        body: { detail: "Invalid input.", errors: { password: ["Unable to log in with these credentials."] } },
      },
    });
    renderApp("/login");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Username"), "ada");
    await userActions.type(screen.getByLabelText("Password"), "wrong");
    await userActions.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByTestId("field-error-password")).textContent).toContain("Unable to log in");
  });

  it("only follows same-site paths after login", () => {
    expect(safeNextPath("/models/3")).toBe("/models/3");
    expect(safeNextPath("//evil.example/")).toBe("/models");
    expect(safeNextPath("https://evil.example/")).toBe("/models");
    expect(safeNextPath(null)).toBe("/models");
  });
});
