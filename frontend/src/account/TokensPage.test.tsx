import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { listed, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const token = {
  id: 4,
  name: "ci",
  hint: "wst_ab12",
  active: true,
  created_at: "2026-11-25T10:00:00Z",
  scopes: ["read", "register", "optimize", "deploy"],
  expires_at: "2026-12-25T10:00:00Z",
  revoked_at: null,
  last_used_at: null,
};

describe("TokensPage", () => {
  it("creates a token and shows its secret once", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/auth/tokens/": [{ body: listed([]) }, { body: listed([token]) }],
      "POST /api/v1/auth/tokens/": { status: 201, body: { ...token, token: "wst_ab12-the-secret" } },
    });
    renderApp("/tokens");
    const actions = userEvent.setup();
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No API tokens");
    await actions.type(screen.getByLabelText("Name"), "ci");
    await actions.click(screen.getByRole("button", { name: "Create token" }));
    expect((await screen.findByTestId("new-token")).textContent).toContain("wst_ab12-the-secret");
    expect((await screen.findAllByTestId("token-row"))[0]!.textContent).not.toContain("the-secret");
    // Least privilege by default: every scope but admin.
    expect(requests.find((request) => request.method === "POST")!.body).toEqual({
      name: "ci",
      expires_at: null,
      scopes: ["read", "register", "optimize", "deploy"],
    });
    expect(screen.getByTestId("token-row").textContent).toContain("read, register, optimize, deploy");
    await actions.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByTestId("new-token")).toBeNull();
  });

  it("creates a read-only token when the user asks for one", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/auth/tokens/": { body: listed([]) },
      "POST /api/v1/auth/tokens/": { status: 201, body: { ...token, scopes: ["read"], token: "wst_ro" } },
    });
    renderApp("/tokens");
    const actions = userEvent.setup();
    await actions.type(await screen.findByLabelText("Name"), "dashboard");
    for (const scope of ["register", "optimize", "deploy"]) {
      await actions.click(screen.getByRole("checkbox", { name: new RegExp(`^${scope}:`) }));
    }
    await actions.click(screen.getByRole("button", { name: "Create token" }));
    await screen.findByTestId("new-token");
    expect(requests.find((request) => request.method === "POST")!.body).toMatchObject({ scopes: ["read"] });
  });

  it("revokes a token after confirmation", async () => {
    vi.stubGlobal("confirm", () => true);
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/auth/tokens/": [{ body: listed([token]) }, { body: listed([{ ...token, active: false, revoked_at: "2026-11-25T11:00:00Z" }]) }],
      "DELETE /api/v1/auth/tokens/4/": { status: 204 },
    });
    renderApp("/tokens");
    await userEvent.setup().click(await screen.findByRole("button", { name: "Revoke ci" }));
    await waitFor(() => expect(screen.getByTestId("token-row").textContent).toContain("revoked"));
    expect(requests.some((request) => request.method === "DELETE")).toBe(true);
  });

  it("pages through more tokens than fit on one page", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/auth/tokens/": (request) =>
        request.path.endsWith("page=2")
          ? { body: { count: 2, next: null, previous: "/api/v1/auth/tokens/", results: [{ ...token, id: 5, name: "nightly" }] } }
          : { body: { count: 2, next: "/api/v1/auth/tokens/?page=2", previous: null, results: [token] } },
    });
    renderApp("/tokens");
    const actions = userEvent.setup();
    expect((await screen.findByTestId("token-row")).textContent).toContain("ci");
    await actions.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(screen.getByTestId("token-row").textContent).toContain("nightly"));
    expect(screen.getByText("Page 2")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Next" }).hasAttribute("disabled")).toBe(true);
    expect(requests.map((request) => request.path).filter((path) => path.startsWith("/api/v1/auth/tokens/"))).toEqual([
      "/api/v1/auth/tokens/?page=1",
      "/api/v1/auth/tokens/?page=2",
    ]);
    await actions.click(screen.getByRole("button", { name: "Previous" }));
    await waitFor(() => expect(screen.getByTestId("token-row").textContent).toContain("ci"));
  });

  it("shows an error with a retry when the list fails", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/auth/tokens/": { status: 500, body: {} },
    });
    renderApp("/tokens");
    expect((await screen.findByTestId("error-state")).textContent).toContain("HTTP 500");
  });
});
