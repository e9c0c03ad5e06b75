import { ApiError } from "../api/client";

/** The server's messages for one field, linked to the input by `id` (aria-describedby). */
export function FieldErrors({ id, error, field }: { id: string; error: unknown; field: string }) {
  const messages = error instanceof ApiError ? error.forField(field) : [];
  if (messages.length === 0) return null;
  // role="alert" so a screen reader announces the message the moment the server sends it.
  return (
    <div role="alert" id={id} data-testid={`field-error-${field}`}>
      <ul className="field-errors">
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}

export function fieldHasError(error: unknown, field: string): boolean {
  return error instanceof ApiError && error.forField(field).length > 0;
}

/**
 * The form-level message: the error's detail plus messages for fields the form does not
 * show, so no server message is ever swallowed.
 */
export function FormError({ error, shownFields }: { error: unknown; shownFields: string[] }) {
  if (!error) return null;
  const lines: string[] = [];
  if (error instanceof ApiError) {
    // The API often repeats a field's message in "detail" ("file: … is not an ONNX model");
    // it is already shown beside the field, so the banner does not say it twice.
    const shownMessages = shownFields.flatMap((field) => error.forField(field));
    if (!shownMessages.some((message) => error.message.includes(message))) lines.push(error.message);
    for (const [field, messages] of Object.entries(error.fieldErrors)) {
      if (shownFields.includes(field)) continue;
      const prefix = field === "non_field_errors" ? "" : `${field}: `;
      for (const message of messages) lines.push(prefix + message);
    }
  } else {
    lines.push(error instanceof Error ? error.message : "Something went wrong.");
  }
  if (lines.length === 0) return null;
  return (
    <div className="form-error" role="alert" data-testid="form-error">
      {lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}
