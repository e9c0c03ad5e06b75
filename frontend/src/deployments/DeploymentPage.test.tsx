import { screen, waitFor } from "@testing-library/react";
import { fakeServer } from "../test/fakeServer";
import { deployment, model, user } from "../test/fixtures";
import { renderApp } from "../test/render";

describe("DeploymentPage", () => {
  it("follows the deployment until it is ready and shows how to call it", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": [{ body: deployment({ status: "loading" }) }, { body: deployment({ status: "ready" }) }],
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    expect((await screen.findByTestId("deployment-status")).textContent).toBe("loading");
    await waitFor(() => expect(screen.getByTestId("deployment-status").textContent).toBe("ready"), { timeout: 4000 });
    expect(screen.getByTestId("endpoint-url").textContent).toBe("http://127.0.0.1:8080/v2/models/tiny-mlp-7/infer");
    expect(screen.getByTestId("snippet-curl").textContent).toContain('"shape":[1,16]');
    expect(screen.getByTestId("snippet-python").textContent).toContain("requests.post");
    expect(screen.queryByTestId("token-required")).toBeNull();
    expect(screen.getByTestId("deployment-batching").textContent).toBe("off");
    expect(screen.getByTestId("deployment-speed-on-engine").textContent).toBe("not measured yet");
  });

  it("says how adaptive batching is set: the window is the longest a request waits", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", max_batch_size: 8, max_batch_time: 0.005 }) },
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    expect((await screen.findByTestId("deployment-batching")).textContent).toBe("up to 8 requests, waiting at most 5 ms");
  });

  it("says where the package was measured and what the engine's accuracy check found", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": {
        body: deployment({
          status: "ready",
          hardware_class: "x86_64-amd-avx2",
          package_hardware_class: "x86_64-amd-avx512vnni-bf16",
          measured_on_other_class: true,
          accuracy_on_engine: { checked: true, passes: true, cosine: 0.9991, budget: 0.99, hardware_class: "x86_64-amd-avx2" },
          speed_on_engine: {
            checked: true,
            speedup: 0.82,
            noise: 0.03,
            slower_than_original: true,
            claimed_speedup: 1.7,
            hardware_class: "x86_64-amd-avx2",
            cpu_generation: "family 23 model 1",
            measured_on: "x86_64-amd-avx512vnni-bf16",
            measured_on_generation: "family 25 model 17",
          },
        }),
      },
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    expect((await screen.findByTestId("deployment-hardware-class")).textContent).toBe(
      "x86_64-amd-avx2 — measured on another class (x86_64-amd-avx512vnni-bf16)",
    );
    expect(screen.getByTestId("deployment-accuracy-on-engine").textContent).toBe(
      "holds: cosine 0.9991 within the budget 0.99 on x86_64-amd-avx2",
    );
    const speed = screen.getByTestId("deployment-speed-on-engine");
    expect(speed.textContent).toBe(
      "slower here: 0.82x the fp32 original (±3%) on x86_64-amd-avx2, family 23 model 1; " +
        "the report's 1.70x was measured on x86_64-amd-avx512vnni-bf16, family 25 model 17",
    );
    expect(speed.className).toBe("form-error");
  });

  it("says a token is needed when the page no longer has it", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "ready", access_token_required: true }) },
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    expect(await screen.findByTestId("token-required")).toBeTruthy();
    expect((await screen.findByTestId("snippet-curl")).textContent).toContain("Bearer <your-access-token>");
  });

  it("shows why a deployment failed", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/deployments/11/": { body: deployment({ status: "failed", message: "MLServer did not load the model" }) },
      "GET /api/v1/models/3/": { body: model },
    });
    renderApp("/deployments/11");
    expect((await screen.findByTestId("deployment-message")).textContent).toContain("did not load");
    expect(screen.queryByRole("button", { name: "Stop deployment" })).toBeNull();
  });
});
