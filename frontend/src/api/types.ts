import type { components } from "./generated/schema";

type Schemas = components["schemas"];

export type User = Schemas["User"];
export type Model = Schemas["Model"];
export type ModelVersion = Schemas["ModelVersion"];
export type TensorSpec = Schemas["TensorSpec"];
export type NodeCounts = Schemas["NodeCounts"];
export type Job = Schemas["Job"];
export type JobStatus = Schemas["JobStatusEnum"];
export type Recipe = Schemas["RecipeEnum"];
export type Device = Schemas["DeviceEnum"];
export type Deployment = Schemas["Deployment"];
export type DeploymentStatus = Schemas["DeploymentStatusEnum"];
export type ModelUploadRequest = Schemas["ModelUploadRequest"];
export type OptimizationRequest = Schemas["OptimizationRequestRequest"];
export type Paginated<T> = { count: number; next?: string | null; previous?: string | null; results: T[] };

/** A dim is an int, the name of a symbolic dim, or null (unknown). */
export type Dim = number | string | null;
