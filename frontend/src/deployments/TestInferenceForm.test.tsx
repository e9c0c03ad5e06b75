import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { deployment, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";
import { inferenceRequestFor } from "./TestInferenceForm";

describe("test inference", () => {
  it("builds a V2 request from the signature with every element filled", () => {
    const request = inferenceRequestFor([{ name: "x", dtype: "float32", shape: ["batch", 3, 2] }]);
    expect(request.inputs[0]).toEqual({ name: "x", shape: [1, 3, 2], datatype: "FP32", data: [0, 0, 0, 0, 0, 0] });
  });

  it("sends the request to the endpoint with the token and shows the answer", async () => {
    const { requests, fetchMock } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", access_token_required: true }) },
      "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
      "GET /api/v1/models/3/": { body: model },
      "POST /v2/models/tiny-mlp-7/infer": {
        body: { model_name: "tiny-mlp-7", outputs: [{ name: "y", shape: [1, 8], datatype: "FP32", data: [1, 2] }] },
      },
    });
    renderApp("/deployments/11");
    const actions = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId("deployment-health").textContent).toContain("model ready"));
    await actions.type(await screen.findByLabelText("Access token"), "secret-token");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-status")).textContent).toContain("HTTP 200");
    expect(screen.getByTestId("infer-response").textContent).toContain('"name": "y"');
    const infer = requests.find((request) => request.path === "/v2/models/tiny-mlp-7/infer")!;
    expect(infer.headers.get("Authorization")).toBe("Bearer secret-token");
    expect((infer.body as { inputs: { shape: number[] }[] }).inputs[0]!.shape).toEqual([1, 16]);
    expect(fetchMock).toHaveBeenCalled();
  });

  it("refuses a request that is not JSON, beside the field", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready" }) },
      "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    const actions = userEvent.setup();
    const body = await screen.findByLabelText("V2 request (JSON)");
    await actions.clear(body);
    await actions.type(body, "not json");
    await actions.click(screen.getByRole("button", { name: "Send request" }));
    expect((await screen.findByTestId("infer-json-error")).textContent).toContain("not valid JSON");
  });

  it("redeploys another job with batching at the same URL", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready" }) },
      "GET /api/v1/deployments/11/health/": { body: { live: true, ready: true, status: "ready", message: "" } },
      "GET /api/v1/models/3/": { body: model },
      "POST /api/v1/deployments/11/redeploy/": { status: 202, body: deployment({ status: "updating", target_job: 12 }) },
    });
    renderApp("/deployments/11");
    const actions = userEvent.setup();
    const jobField = await screen.findByLabelText("Job");
    await actions.clear(jobField);
    await actions.type(jobField, "12");
    const size = screen.getByLabelText("Max batch size");
    await actions.clear(size);
    await actions.type(size, "8");
    await actions.click(screen.getByRole("button", { name: "Redeploy" }));
    await waitFor(() => expect(screen.getByTestId("deployment-status").textContent).toBe("updating"));
    const post = requests.find((request) => request.path === "/api/v1/deployments/11/redeploy/")!;
    expect(post.body).toEqual({ job: 12, max_batch_size: 8, max_batch_time: 0 });
  });
});
