import { screen } from "@testing-library/react";
import { fakeServer } from "../test/fakeServer";
import { user } from "../test/fixtures";
import { renderApp } from "../test/render";

const member = (name: string, detected: string, generation: string | null = "family 25 model 17") => ({
  name,
  cpu_model: "AMD EPYC 9B14",
  cpu_generation: generation,
  detected_hardware_class: detected,
  usable_cpus: 4,
  queues: [],
  started_at: "2026-12-06T09:00:00Z",
  last_seen_at: "2026-12-06T09:01:00Z",
});

describe("HardwarePage", () => {
  it("lists each class with its workers and engines, and says when a class has no worker", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/hardware/": {
        body: [
          {
            hardware_class: "x86_64-amd-avx2",
            workers: [member("celery@avx2", "x86_64-amd-avx512vnni-bf16")],
            engines: [],
          },
          {
            hardware_class: "x86_64-amd-avx512vnni-bf16",
            workers: [],
            engines: [member("http://engine:8081", "x86_64-amd-avx512vnni-bf16")],
          },
        ],
      },
    });
    renderApp("/hardware");
    const cards = await screen.findAllByTestId("hardware-class");
    expect(cards).toHaveLength(2);
    expect(cards[0]!.textContent).toContain("celery@avx2");
    expect(cards[0]!.textContent).toContain("CPU class x86_64-amd-avx512vnni-bf16");
    expect(cards[1]!.textContent).toContain("http://engine:8081");
    expect(screen.getAllByTestId("no-worker")).toHaveLength(1);
    expect(cards[0]!.textContent).toContain("(family 25 model 17)");
    expect(screen.queryByTestId("mixed-generations")).toBeNull();
  });

  it("warns when one class holds several CPU generations", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/hardware/": {
        body: [
          {
            hardware_class: "x86_64-amd-avx2",
            workers: [member("celery@zen3", "x86_64-amd-avx2", "family 25 model 1")],
            engines: [member("http://engine:8081", "x86_64-amd-avx2", "family 23 model 1"), member("e2", "x86_64-amd-avx2", null)],
          },
        ],
      },
    });
    renderApp("/hardware");
    const warning = await screen.findByTestId("mixed-generations");
    expect(warning.textContent).toContain("2 CPU generations (family 23 model 1, family 25 model 1)");
  });

  it("has an empty state when nothing is online", async () => {
    fakeServer({
      "GET /api/v1/auth/session/": { body: user },
      "GET /api/v1/hardware/": { body: [] },
    });
    renderApp("/hardware");
    expect((await screen.findByTestId("empty-state")).textContent).toContain("No worker or serving engine");
  });
});
