import { useState } from "react";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard access needs a secure context or permission; selecting the text still lets
    // the user copy it by hand.
    return false;
  }
}

export function CopyableSnippet({ title, code, testId }: { title: string; code: string; testId: string }) {
  const [copyState, setCopyState] = useState<"idle" | "copied" | "failed">("idle");
  const headingId = `${testId}-title`;
  return (
    <section className="snippet" aria-labelledby={headingId}>
      <div className="snippet-header">
        <h3 id={headingId}>{title}</h3>
        <button
          type="button"
          onClick={async () => setCopyState((await copyText(code)) ? "copied" : "failed")}
          aria-label={`Copy ${title}`}
        >
          {copyState === "copied" ? "Copied" : "Copy"}
        </button>
      </div>
      <pre tabIndex={0} data-testid={testId}>
        <code>{code}</code>
      </pre>
      <p className="snippet-status" role="status" aria-live="polite">
        {copyState === "failed" ? "Copy is blocked by the browser: select the text and copy it by hand." : ""}
      </p>
    </section>
  );
}
