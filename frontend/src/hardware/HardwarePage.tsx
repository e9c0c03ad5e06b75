import { useHardware } from "../api/queries";
import type { FleetMember, HardwareClass } from "../api/types";
import { PageTitle } from "../components/PageTitle";
import { EmptyState, ErrorState, LoadingState } from "../components/StateViews";

function MemberList({ members, kind }: { members: FleetMember[]; kind: "worker" | "engine" }) {
  if (members.length === 0) return <p className="muted">No {kind} of this class online.</p>;
  return (
    <ul>
      {members.map((member) => (
        <li key={member.name}>
          <code>{member.name}</code> — {member.cpu_model || "unknown CPU"}
          {member.cpu_generation && <span className="muted"> ({member.cpu_generation})</span>}
          {member.detected_hardware_class !== undefined && (
            <span className="muted"> (CPU class {member.detected_hardware_class})</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The CPU generations the class's members report, each once. */
function generationsOf(entry: HardwareClass): string[] {
  const all = [...entry.workers, ...entry.engines].map((member) => member.cpu_generation);
  return [...new Set(all.filter((generation): generation is string => !!generation))].sort();
}

function ClassCard({ entry }: { entry: HardwareClass }) {
  const waitsForWorker = entry.workers.length === 0;
  const generations = generationsOf(entry);
  return (
    <section className="card" aria-labelledby={`class-${entry.hardware_class}`} data-testid="hardware-class">
      <h2 id={`class-${entry.hardware_class}`}>
        <code>{entry.hardware_class}</code>
      </h2>
      {waitsForWorker && (
        <p className="muted" data-testid="no-worker">
          Jobs for this class wait until a worker of the class is online.
        </p>
      )}
      {generations.length > 1 && (
        // Same flags, other speeds: on a Zen 1 host OpenVINO ran a YOLOv8n at par with onnxruntime, on a
        // Zen 3 host of the same class 1.7x faster (compiler_core/BENCHMARKS.md).
        <p className="bad-text" data-testid="mixed-generations">
          This class holds {generations.length} CPU generations ({generations.join(", ")}): a package measured on
          one may not keep its speed-up on another.
        </p>
      )}
      <h3>Workers ({entry.workers.length})</h3>
      <MemberList members={entry.workers} kind="worker" />
      <h3>Serving engines ({entry.engines.length})</h3>
      <MemberList members={entry.engines} kind="engine" />
    </section>
  );
}

/** The fleet by hardware class: which classes a job may target, and where packages will be served. */
export function HardwarePage() {
  const hardware = useHardware();
  return (
    <div className="page hardware-page">
      <PageTitle title="Hardware" />
      <h1>Hardware</h1>
      <p className="muted">
        A package is measured on a worker of one hardware class and holds on serving engines of that class.
      </p>
      {hardware.isPending ? (
        <LoadingState label="Loading the fleet…" />
      ) : hardware.isError ? (
        <ErrorState error={hardware.error} onRetry={() => void hardware.refetch()} />
      ) : hardware.data.length === 0 ? (
        <EmptyState>
          <p>No worker or serving engine is online.</p>
        </EmptyState>
      ) : (
        hardware.data.map((entry) => <ClassCard key={entry.hardware_class} entry={entry} />)
      )}
    </div>
  );
}
