import { formatValue, humanize } from "../format/numbers";

export function KeyValueList({ values, testId }: { values: Record<string, unknown> | null; testId?: string }) {
  const entries = values ? Object.entries(values) : [];
  if (entries.length === 0) return <p className="muted">Not reported.</p>;
  return (
    <dl className="key-values" data-testid={testId}>
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{humanize(key)}</dt>
          <dd>{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
