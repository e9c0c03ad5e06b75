import type { components, paths } from "./generated/schema";

type Schemas = components["schemas"];
/** The JSON body of one operation's response, named by path rather than by schema component. */
type JsonBody<Operation> = Operation extends { content: { "application/json": infer Body } } ? Body : never;

export type User = Schemas["User"];
/** A model as listed (its latest version is a summary). */
export type Model = Schemas["Model"];
/** A model as GET /models/{id}/ returns it (latest version with signature and statistics). */
export type ModelDetail = JsonBody<paths["/api/v1/models/{id}/"]["get"]["responses"][200]>;
export type ModelUploadRequest = Schemas["ModelUploadRequest"];
export type TensorSpec = Schemas["TensorSpec"];
export type NodeCounts = Schemas["NodeCounts"];
export type Job = Schemas["Job"];
export type JobStatus = Job["status"];
export type OptimizationRequest = Schemas["OptimizationRequestRequest"];
export type Recipe = NonNullable<OptimizationRequest["recipe"]>;
export type Device = NonNullable<OptimizationRequest["device"]>;
export type Deployment = Schemas["Deployment"];
export type HardwareClass = Schemas["HardwareClass"];
export type FleetMember = Schemas["FleetMember"];
export type DeploymentStatus = Deployment["status"];
export type DeploymentTraffic = Schemas["DeploymentTraffic"];
/** A deployment's traffic per minute over a window (the `history` of GET /deployments/{id}/traffic/). */
export type TrafficHistory = Schemas["TrafficHistory"];
export type TrafficPoint = Schemas["TrafficPoint"];
export type DeploymentRequest = Schemas["DeploymentRequestRequest"];
export type TritonExport = Schemas["TritonExport"];
export type TritonExportRequest = Schemas["TritonExportRequestRequest"];
/** A KServe InferenceService, as the API writes it (JSON, which kubectl reads as well as YAML). */
export type KServeManifest = Record<string, unknown>;
export type Paginated<T> = { count: number; next?: string | null; previous?: string | null; results: T[] };

/** A dim is an int, the name of a symbolic dim, or null (unknown). */
export type Dim = number | string | null;
/** A model version's example inputs: how many batches, and the input shapes they hold. */
export type ExampleInputs = Schemas["ExampleInputs"];
/** A model version's Hugging Face tokenizer.json: text becomes its token-id inputs. */
export type TokenizerSummary = Schemas["Tokenizer"];
/** Text tokenized into a model's inputs (V2 tensors), with each text's tokens. */
export type TokenizeResult = Schemas["TokenizeResult"];
