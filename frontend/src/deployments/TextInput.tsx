import { useEffect, useId, useState } from "react";
import { useDeploymentTokenize } from "../api/queries";
import type { TensorSpec, TokenizeResult, TokenizerSummary } from "../api/types";
import { ELEMENT_BYTES, writeElement, type Tensor } from "./tensors";

// Integer inputs text fills (token ids, attention mask, segment and position ids); the server
// names the one it cannot fill, this only decides whether to offer the mode.
const TOKEN_DTYPES = new Set(["int64", "int32"]);
// Tokenize once typing pauses, not on every key.
const SETTLE_MS = 250;
const MAX_SHOWN_TOKENS = 512;

/** Text can be sent when the served version has a tokenizer and every input is an integer (token-id) input. */
export function acceptsText(inputs: TensorSpec[], tokenizer: TokenizerSummary | null | undefined): boolean {
  return Boolean(tokenizer) && inputs.length > 0 && inputs.every((input) => TOKEN_DTYPES.has(input.dtype));
}

/** The tokenize answer's V2 tensors as the form's tensors (bytes), ready for JSON or the binary extension. */
export function tensorsFromTokenized(result: TokenizeResult): Tensor[] {
  return result.inputs.map((input) => {
    const size = ELEMENT_BYTES[input.datatype];
    if (!size) throw new Error(`input ${input.name}: the tokenizer answered datatype ${input.datatype}`);
    const bytes = new Uint8Array(input.data.length * size);
    const view = new DataView(bytes.buffer);
    input.data.forEach((value, index) => writeElement(view, input.datatype, index, value));
    return { name: input.name, datatype: input.datatype, shape: input.shape, bytes };
  });
}

/**
 * The try-it form's text mode: the text is tokenized on the server by the tokenizer attached to
 * the served model version; its tokens are shown, and the tensors handed to the form to send.
 */
export function TextInput({
  deploymentId,
  tokenizer,
  onTensors,
}: {
  deploymentId: number;
  tokenizer: TokenizerSummary;
  /** The tensors of the text as it now stands; null while it is empty, being tokenized, or refused. */
  onTensors: (tensors: Tensor[] | null) => void;
}) {
  const ids = useId();
  const [text, setText] = useState("");
  const [settled, setSettled] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const tokenized = useDeploymentTokenize(deploymentId, settled);
  const current = settled === text && text.trim() !== "" && tokenized.data ? tokenized.data : null;
  useEffect(() => onTensors(current ? tensorsFromTokenized(current) : null), [current, onTensors]);
  const shown = current?.texts[0];

  return (
    <div data-testid="infer-text">
      <label htmlFor={`${ids}-text`}>Text</label>
      <textarea
        id={`${ids}-text`}
        rows={3}
        value={text}
        placeholder="Type a sentence to embed or classify"
        onChange={(event) => setText(event.target.value)}
        aria-describedby={`${ids}-text-hint`}
      />
      <p className="hint" id={`${ids}-text-hint`}>
        Tokenized on the server with the model version&apos;s {tokenizer.kind} tokenizer ({tokenizer.name},{" "}
        {tokenizer.vocab_size.toLocaleString("en")} tokens) into its token ids and attention mask.
      </p>
      {tokenized.isError && settled === text && (
        <p className="field-errors" role="alert" data-testid="infer-text-error">
          {(tokenized.error as Error).message}
        </p>
      )}
      {text.trim() !== "" && !current && !tokenized.isError && <p className="hint">Tokenizing…</p>}
      {current && shown && (
        <div aria-live="polite">
          <p className="hint" data-testid="infer-text-summary">
            {shown.length} {shown.length === 1 ? "token" : "tokens"}
            {current.padding === "fixed" && shown.length < current.sequence_length
              ? `, padded to ${current.sequence_length} with ${current.pad_token ?? "id 0"}`
              : ""}
            {shown.truncated ? ` — the text was cut to the model's ${current.sequence_length} tokens` : ""}
          </p>
          <ol className="token-list" aria-label="Tokens" data-testid="infer-text-tokens">
            {shown.tokens.slice(0, Math.min(shown.length, MAX_SHOWN_TOKENS)).map((token, index) => (
              <li key={index} className="chip chip-default" title={`id ${shown.ids[index]}`}>
                {token}
                <span className="token-id">{shown.ids[index]}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
