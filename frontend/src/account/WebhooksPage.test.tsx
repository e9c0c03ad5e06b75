import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { listed, user } from "../test/fixtures";
import { renderApp } from "../test/render";

const webhook = {
  id: 2,
  url: "https://ci.example.com/hook",
  secret: "whsec-123",
  active: true,
  team: null,
  created_at: "2026-11-25T10:00:00Z",
};

describe("WebhooksPage", () => {
  it("adds a webhook, shows its secret and lists its deliveries", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/webhooks/": [{ body: listed([]) }, { body: listed([webhook]) }],
      "POST /api/v1/webhooks/": { status: 201, body: webhook },
      "GET /api/v1/webhooks/2/deliveries/": {
        body: listed([
          {
            id: 1, event: "job.succeeded", job: 9, status: "failed", response_status: 500, attempts: 3,
            created_at: "2026-11-25T10:00:00Z", delivered_at: null, error: "HTTP 500", payload: {},
            next_attempt_at: null,
          },
          {
            id: 2, event: "job.succeeded", job: 10, status: "pending", response_status: 503, attempts: 2,
            created_at: "2026-11-25T11:00:00Z", delivered_at: null, error: "HTTP 503", payload: {},
            next_attempt_at: new Date(Date.now() + 60_000).toISOString(),
          },
          {
            // An attempt in progress: its due time has passed, so nothing is announced for it.
            id: 3, event: "job.succeeded", job: 11, status: "pending", response_status: null, attempts: 1,
            created_at: "2026-11-25T12:00:00Z", delivered_at: null, error: "", payload: {},
            next_attempt_at: "2026-11-25T12:00:00Z",
          },
        ]),
      },
    });
    renderApp("/webhooks");
    const actions = userEvent.setup();
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No webhooks");
    await actions.type(screen.getByLabelText("URL"), "https://ci.example.com/hook");
    await actions.click(screen.getByRole("button", { name: "Add webhook" }));
    expect((await screen.findByTestId("webhook-secret")).textContent).toContain("whsec-123");
    expect(requests.find((request) => request.method === "POST")!.body).toEqual({ url: "https://ci.example.com/hook" });
    await actions.click(await screen.findByText("Deliveries"));
    await waitFor(() => expect(screen.getByTestId("webhook-deliveries").textContent).toContain("HTTP 500"));
    const rows = screen.getByTestId("webhook-deliveries").querySelectorAll("tbody tr");
    expect(rows[0]!.textContent).not.toContain("tried again"); // failed for good
    expect(rows[1]!.textContent).toContain("HTTP 503 · tried again"); // pending: when the next try comes
    expect(rows[2]!.textContent).not.toContain("tried again");
  });

  it("shows the server's reason beside the URL", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/webhooks/": { body: listed([]) },
      "POST /api/v1/webhooks/": { status: 400, body: { detail: "Invalid input.", errors: { url: ["Enter a public https URL."] } } },
    });
    renderApp("/webhooks");
    const actions = userEvent.setup();
    await actions.type(await screen.findByLabelText("URL"), "http://10.0.0.1/x");
    await actions.click(screen.getByRole("button", { name: "Add webhook" }));
    expect((await screen.findByTestId("field-error-url")).textContent).toContain("public https URL");
  });
});
