import { describeAccuracy, describeSpeed } from "./engineChecks";

describe("describeSpeed", () => {
  const measured = {
    checked: true,
    speedup: 1.234,
    noise: 0.021,
    slower_than_original: false,
    claimed_speedup: 1.5,
    hardware_class: "x86_64-amd-avx2",
    cpu_generation: null,
    measured_on: "x86_64-amd-avx2",
    measured_on_generation: "family 25 model 1",
  };

  it("gives the engine's figure beside the report's, naming each machine", () => {
    expect(describeSpeed(measured)).toEqual({
      text: "1.23x the fp32 original (±2%) on x86_64-amd-avx2; the report's 1.50x was measured on x86_64-amd-avx2, family 25 model 1",
      slower: false,
    });
  });

  it("says when only single runs were timed (a model too slow for the full measurement)", () => {
    const reading = describeSpeed({ ...measured, speedup: 0.1, noise: null, slower_than_original: true, claimed_speedup: null });
    expect(reading).toEqual({ text: "slower here: 0.10x the fp32 original (single runs only) on x86_64-amd-avx2", slower: true });
  });

  it("says why nothing was measured, and reads what is not a verdict as not measured", () => {
    expect(describeSpeed({ checked: false, reason: "the check is switched off" }).text).toBe(
      "not measured: the check is switched off",
    );
    expect(describeSpeed(null).text).toBe("not measured yet");
    expect(describeSpeed("garbage").text).toBe("not measured yet");
    expect(describeSpeed({ checked: true, speedup: "fast" }).text).toBe("not measured: no reason given");
  });
});

describe("describeAccuracy", () => {
  it("reads the engine's accuracy verdict", () => {
    expect(describeAccuracy({ checked: true, passes: false, reason: "misses it" })).toBe("misses the budget: misses it");
    expect(describeAccuracy(undefined)).toBe("not checked yet");
  });
});
