// Copy-paste examples for the Open Inference Protocol (KServe v2) endpoint, built from the
// model's signature. Live inference from the console would need CORS on the serving origin.
import type { TensorSpec } from "../api/types";

const V2_DATATYPES: Record<string, string> = {
  bool: "BOOL",
  uint8: "UINT8",
  uint16: "UINT16",
  uint32: "UINT32",
  uint64: "UINT64",
  int8: "INT8",
  int16: "INT16",
  int32: "INT32",
  int64: "INT64",
  float16: "FP16",
  float32: "FP32",
  float: "FP32",
  float64: "FP64",
  double: "FP64",
  bfloat16: "BF16",
  string: "BYTES",
  object: "BYTES",
};

export function v2Datatype(dtype: string): string {
  return V2_DATATYPES[dtype.toLowerCase()] ?? dtype.toUpperCase();
}

/** Symbolic or unknown dims become 1: the smallest request every dynamic model accepts. */
export function exampleShape(shape: unknown[]): number[] {
  return shape.map((dim) => (typeof dim === "number" && dim > 0 ? dim : 1));
}

function exampleValue(datatype: string): number | boolean | string {
  if (datatype === "BOOL") return false;
  if (datatype === "BYTES") return "";
  return 0;
}

// Larger example tensors would make the curl snippet unreadable; the Python one builds them.
const MAX_INLINE_ELEMENTS = 64;

export function exampleRequest(inputs: TensorSpec[]) {
  return {
    inputs: inputs.map((input) => {
      const shape = exampleShape(Array.isArray(input.shape) ? input.shape : []);
      const datatype = v2Datatype(input.dtype);
      const elements = shape.reduce((product, dim) => product * dim, 1);
      return {
        name: input.name,
        shape,
        datatype,
        data: Array.from({ length: Math.min(elements, MAX_INLINE_ELEMENTS) }, () => exampleValue(datatype)),
      };
    }),
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** How a snippet authenticates: the real token when the console has it, else a placeholder. */
export type EndpointAuth = { required: boolean; token?: string | null };
export const TOKEN_PLACEHOLDER = "<your-access-token>";

function bearer(auth: EndpointAuth): string | null {
  return auth.required ? `Bearer ${auth.token || TOKEN_PLACEHOLDER}` : null;
}

export function curlSnippet(endpointUrl: string, inputs: TensorSpec[], auth: EndpointAuth = { required: false }): string {
  const body = JSON.stringify(exampleRequest(inputs));
  const truncated = exampleRequest(inputs).inputs.some(
    (input) => input.data.length < input.shape.reduce((product, dim) => product * dim, 1),
  );
  const note = truncated
    ? `# Data is shortened here: send shape-product values per input (see the Python example).\n`
    : "";
  const header = bearer(auth);
  const authLine = header ? `  -H ${shellQuote(`Authorization: ${header}`)} \\\n` : "";
  return `${note}curl -sS -X POST ${shellQuote(endpointUrl)} \\\n  -H 'Content-Type: application/json' \\\n${authLine}  -d ${shellQuote(body)}`;
}

const NUMPY_DTYPES: Record<string, string> = {
  BOOL: "bool",
  UINT8: "uint8",
  UINT16: "uint16",
  UINT32: "uint32",
  UINT64: "uint64",
  INT8: "int8",
  INT16: "int16",
  INT32: "int32",
  INT64: "int64",
  FP16: "float16",
  FP32: "float32",
  FP64: "float64",
  BF16: "float32", // numpy has no bfloat16; V2 JSON carries BF16 data as plain floats anyway
  BYTES: "object",
};

export function pythonSnippet(endpointUrl: string, inputs: TensorSpec[], auth: EndpointAuth = { required: false }): string {
  const tensors = inputs.map((input) => {
    const shape = exampleShape(Array.isArray(input.shape) ? input.shape : []);
    const datatype = v2Datatype(input.dtype);
    const numpyType = NUMPY_DTYPES[datatype] ?? "float32";
    return (
      `    {"name": ${JSON.stringify(input.name)}, "shape": ${JSON.stringify(shape)}, "datatype": "${datatype}",\n` +
      `     "data": np.zeros(${JSON.stringify(shape)}, dtype="${numpyType}").ravel().tolist()},`
    );
  });
  return [
    "import numpy as np",
    "import requests",
    "",
    `url = ${JSON.stringify(endpointUrl)}`,
    "request = {\"inputs\": [",
    ...tensors,
    "]}",
    ...(bearer(auth) ? [`headers = {"Authorization": ${JSON.stringify(bearer(auth))}}`] : []),
    `response = requests.post(url, json=request${bearer(auth) ? ", headers=headers" : ""}, timeout=30)`,
    "response.raise_for_status()",
    "for output in response.json()[\"outputs\"]:",
    "    print(output[\"name\"], output[\"shape\"], np.array(output[\"data\"]).reshape(output[\"shape\"]))",
  ].join("\n");
}
