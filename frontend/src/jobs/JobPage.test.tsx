import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { deployment, fullReport, job, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("JobPage", () => {
  it("shows live progress, then the report once the job succeeds", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": [
        { body: job({ status: "running", stage: "candidates", progress: 40 }) },
        {
          body: job({
            status: "succeeded",
            stage: "package",
            progress: 100,
            log: ["inspect: reading model.onnx", "package: done"],
            report: fullReport,
            package_url: "/api/v1/jobs/7/package/",
          }),
        },
      ],
    });
    renderApp("/jobs/7");

    expect((await screen.findByTestId("job-stage")).textContent).toBe("candidates");
    expect(screen.getByTestId("job-percent").textContent).toBe("40%");
    expect(screen.getByTestId("job-log").textContent).toContain("baseline: 2.000 ms");
    expect(screen.queryByTestId("report")).toBeNull();

    // The page polls while the job runs: no reload, no user action.
    await waitFor(() => expect(screen.getByTestId("job-status").textContent).toBe("succeeded"), { timeout: 4000 });
    expect(screen.getByTestId("overall-speedup").textContent).toBe("1.42× faster");
    expect(screen.getByTestId("download-package").getAttribute("href")).toBe("/api/v1/jobs/7/package/");
    expect(screen.queryByRole("button", { name: "Cancel job" })).toBeNull();
    expect(document.title).toBe("Job #7 (succeeded) · Whetstone");
  });

  it("cancels a running job", async () => {
    document.cookie = "csrftoken=abc; path=/";
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": [{ body: job() }, { body: job() }, { body: job({ status: "cancelled", progress: 40 }) }],
      "POST /api/v1/jobs/7/cancel/": { status: 202, body: job({ status: "cancelled" }) },
    });
    renderApp("/jobs/7");
    await userEvent.setup().click(await screen.findByRole("button", { name: "Cancel job" }));
    await waitFor(() => expect(screen.getByTestId("job-status").textContent).toBe("cancelled"), { timeout: 4000 });
    const cancel = requests.find((request) => request.path === "/api/v1/jobs/7/cancel/");
    expect(cancel?.headers.get("X-CSRFToken")).toBe("abc");
  });

  it("shows the worker's error when the job failed", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": { body: job({ status: "failed", error: "onnxruntime cannot run the original model" }) },
    });
    renderApp("/jobs/7");
    expect((await screen.findByTestId("job-error")).textContent).toContain("cannot run the original model");
    expect(screen.queryByTestId("deploy-button")).toBeNull();
  });

  it("deploys a succeeded job and opens the deployment page", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": { body: job({ status: "succeeded", progress: 100, report: fullReport }) },
      "POST /api/v1/deployments/": { status: 202, body: deployment({ status: "pending" }) },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready" }) },
      "GET /api/v1/models/3/": { status: 404, body: { detail: "Not found.", errors: {} } },
    });
    const { router } = renderApp("/jobs/7");
    await userEvent.setup().click(await screen.findByTestId("deploy-button"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/deployments/11"));
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ job: 7, access_token: false });
  });

  it("deploys behind an access token and shows the token once on the deployment page", async () => {
    const protectedDeployment = deployment({ status: "ready", access_token_required: true });
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": { body: job({ status: "succeeded", progress: 100, report: fullReport }) },
      "POST /api/v1/deployments/": { status: 202, body: { ...protectedDeployment, access_token: "tok-123" } },
      "GET /api/v1/deployments/11/": { body: protectedDeployment },
      "GET /api/v1/models/3/": { body: model },
    });
    const { router } = renderApp("/jobs/7");
    const userActions = userEvent.setup();
    await userActions.click(await screen.findByLabelText("Require an access token"));
    await userActions.click(screen.getByTestId("deploy-button"));

    expect((await screen.findByTestId("access-token")).textContent).toBe("tok-123");
    expect(await screen.findByTestId("snippet-curl")).toHaveProperty(
      "textContent",
      expect.stringContaining("-H 'Authorization: Bearer tok-123'"),
    );
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ job: 7, access_token: true });
    // Not kept in the history entry, where a reload or Back would show it again.
    await waitFor(() => expect(router.state.location.state).toBeNull());
    expect(screen.getByTestId("access-token").textContent).toBe("tok-123");
  });

  it("writes a Triton repository and shows a KServe manifest for the package", async () => {
    const { requests } = fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": { body: job({ status: "succeeded", progress: 100, report: fullReport }) },
      "POST /api/v1/jobs/7/exports/triton/": {
        status: 201,
        body: {
          name: "fraud",
          model_repository: "s3://whetstone/packages/7/triton",
          files: ["fraud/config.pbtxt", "fraud/1/model.onnx"],
          config_pbtxt: 'name: "fraud"\nplatform: "onnxruntime_onnx"\n',
          notes: ["The package runs on OpenVINO; Triton runs it through onnxruntime's OpenVINO execution provider."],
        },
      },
      "GET /api/v1/jobs/7/exports/kserve/": {
        body: { kind: "InferenceService", spec: { predictor: { model: { storageUri: "s3://whetstone/packages/7" } } } },
      },
    });
    renderApp("/jobs/7");
    const userActions = userEvent.setup();
    await userActions.type(await screen.findByLabelText("Name"), "fraud");
    await userActions.click(screen.getByRole("button", { name: "Write Triton repository" }));

    expect((await screen.findByTestId("triton-repository")).textContent).toBe(
      "--model-repository=s3://whetstone/packages/7/triton",
    );
    expect(screen.getByTestId("triton-config").textContent).toContain('platform: "onnxruntime_onnx"');
    expect(screen.getByTestId("triton-notes").textContent).toContain("OpenVINO execution provider");
    expect(requests.find((request) => request.method === "POST")?.body).toEqual({ name: "fraud" });

    await userActions.click(screen.getByRole("button", { name: "KServe manifest" }));
    expect((await screen.findByTestId("kserve-manifest")).textContent).toContain('"storageUri": "s3://whetstone/packages/7"');
    expect(requests.find((request) => request.path.startsWith("/api/v1/jobs/7/exports/kserve/"))?.path).toBe(
      "/api/v1/jobs/7/exports/kserve/?name=fraud",
    );
  });

  it("says why the server refused a KServe manifest", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/jobs/7/": { body: job({ status: "succeeded", progress: 100, report: fullReport }) },
      "GET /api/v1/jobs/7/exports/kserve/": {
        status: 409,
        body: { detail: "KServe reads packages from S3, and this server keeps its objects on its own disk.", errors: {} },
      },
    });
    renderApp("/jobs/7");
    await userEvent.setup().click(await screen.findByRole("button", { name: "KServe manifest" }));
    expect(await screen.findByText(/KServe reads packages from S3/)).toBeTruthy();
    expect(screen.queryByTestId("kserve-manifest")).toBeNull();
  });
});
