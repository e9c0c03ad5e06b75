/**
 * GENERATED FILE - do not edit by hand.
 * Source: the backend's OpenAPI schema (manage.py spectacular --format openapi-json).
 * Regenerate with `npm run generate-client`; `npm run check-client` fails when it is stale.
 */

export interface paths {
    "/api/v1/analytics/speedups/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Distribution of speed-ups over finished jobs (< 1.0, 1.0–1.1, 1.1–1.5, 1.5–2, 2–3, > 3) */
        get: operations["analytics_speedups_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["auth_me_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/session/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The console's browser session: GET who am I, POST log in, DELETE log out. */
        get: operations["auth_session_retrieve"];
        put?: never;
        /** @description The console's browser session: GET who am I, POST log in, DELETE log out. */
        post: operations["auth_session_create"];
        /** @description The console's browser session: GET who am I, POST log in, DELETE log out. */
        delete: operations["auth_session_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/token/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** @description Exchange a username and password for an API token (for CI pipelines). */
        post: operations["auth_token_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/tokens/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your personal API tokens (secrets are never shown again) */
        get: operations["auth_tokens_list"];
        put?: never;
        /** Create a personal API token for CI; the secret is shown once */
        post: operations["auth_tokens_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/tokens/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of your personal API tokens */
        get: operations["auth_tokens_retrieve"];
        put?: never;
        post?: never;
        /** Revoke a personal API token */
        delete: operations["auth_tokens_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your deployments */
        get: operations["deployments_list"];
        put?: never;
        /**
         * Deploy a job's optimized package
         * @description Status goes pending → loading → ready | failed (the engine's reason in `message`).
         */
        post: operations["deployments_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A deployment: status and endpoint */
        get: operations["deployments_retrieve"];
        put?: never;
        post?: never;
        /** Undeploy: free the model in the engine */
        delete: operations["deployments_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/health/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness and readiness, asked of the serving engine now */
        get: operations["deployments_health_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/redeploy/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Serve a newer package at the same endpoint, without downtime
         * @description The deployment goes ready → updating → ready. The newer package loads while the served one keeps answering at the same URL (and token); the engine switches once it is loaded, then frees the old one. If the engine refuses it, the old package keeps serving and `message` says why. Each batching setting is kept unless given.
         */
        post: operations["deployments_redeploy_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your optimization jobs, newest first */
        get: operations["jobs_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job: status, progress, log, report */
        get: operations["jobs_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}/cancel/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running job */
        post: operations["jobs_cancel_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}/exports/kserve/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A KServe InferenceService that serves the package from S3 */
        get: operations["jobs_exports_kserve_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}/exports/triton/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Write the package as a Triton model repository under the package's prefix */
        post: operations["jobs_exports_triton_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}/package/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download the optimized package as a zip archive */
        get: operations["jobs_package_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the models you can see */
        get: operations["models_list"];
        put?: never;
        /** Register a model: upload its file (multipart) or name an s3:// / oss:// URI (JSON) */
        post: operations["models_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A model with its card, signature and graph statistics */
        get: operations["models_retrieve"];
        put?: never;
        post?: never;
        /** Delete a model: gone at once, its files purged in the background */
        delete: operations["models_destroy"];
        options?: never;
        head?: never;
        /** Change a model's name, description, card, tags or visibility */
        patch: operations["models_partial_update"];
        trace?: never;
    };
    "/api/v1/models/{model_id}/optimizations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start an optimization of the model's latest version */
        post: operations["models_optimizations_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A model's versions, newest first
         * @description /models/{model_id}/versions/[{number}/]
         */
        get: operations["models_versions_list"];
        put?: never;
        /**
         * Add a version: upload a file (multipart) or name an s3:// / oss:// URI (JSON)
         * @description /models/{model_id}/versions/[{number}/]
         */
        post: operations["models_versions_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/{number}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One version, with everything inspection found
         * @description /models/{model_id}/versions/[{number}/]
         */
        get: operations["models_versions_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/{number}/download/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a version's main file
         * @description /models/{model_id}/versions/[{number}/]
         */
        get: operations["models_versions_download_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/from-job/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register an optimization job's package as a new version (lineage kept)
         * @description /models/{model_id}/versions/[{number}/]
         */
        post: operations["models_versions_from_job_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The teams you belong to */
        get: operations["teams_list"];
        put?: never;
        /** Create a team; you become its first member */
        post: operations["teams_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A team and its members */
        get: operations["teams_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}/members/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a user to the team */
        post: operations["teams_members_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}/members/{username}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a user from the team */
        delete: operations["teams_members_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a presigned multipart upload (files of 1 GB and more)
         * @description Large files: presigned multipart upload straight to S3, then `complete` registers them.
         */
        post: operations["uploads_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Abort an upload and remove its parts
         * @description Large files: presigned multipart upload straight to S3, then `complete` registers them.
         */
        delete: operations["uploads_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/uploads/{id}/complete/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assemble the uploaded parts, verify the checksum, register the model
         * @description Large files: presigned multipart upload straight to S3, then `complete` registers them.
         */
        post: operations["uploads_complete_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your webhooks and your teams' */
        get: operations["webhooks_list"];
        put?: never;
        /** Add a webhook: a signed POST (X-Whetstone-Signature: sha256=HMAC of the body) when a job ends; the signing secret is shown in this answer only */
        post: operations["webhooks_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook */
        get: operations["webhooks_retrieve"];
        put?: never;
        post?: never;
        /** Delete a webhook */
        delete: operations["webhooks_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery history of a webhook */
        get: operations["webhooks_deliveries_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        CompletedPartRequest: {
            etag: string;
            part_number: number;
        };
        /** @description The answer to creating a webhook: the only time its signing secret is shown. */
        CreatedWebhook: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            /** @description Key of the HMAC-SHA256 signature sent with each delivery. */
            readonly secret: string;
            /** @description When set, the webhook hears about the jobs of every member of the team. */
            readonly team: number | null;
            /** Format: uri */
            readonly url: string;
        };
        CredentialsRequest: {
            password: string;
            username: string;
        };
        Deployment: {
            /** @description The endpoint's access token, in the response that created the deployment only (it is stored hashed); null everywhere else. */
            readonly access_token: string | null;
            /** @description Whether infer calls must send `Authorization: Bearer <token>`. */
            readonly access_token_required: boolean;
            /** Format: date-time */
            readonly created_at: string;
            /** @description Open Inference Protocol v2 infer URL; it stays the same across redeploys. */
            readonly endpoint_url: string;
            readonly id: number;
            /** @description The job whose package is served. */
            readonly job: number;
            /** @description Adaptive batching: most requests per batch (0: off). */
            readonly max_batch_size: number;
            /**
             * Format: double
             * @description Adaptive batching: seconds to wait for a batch to fill.
             */
            readonly max_batch_time: number;
            readonly message: string;
            readonly model: number;
            readonly model_name: string;
            /** @description The model name in the serving engine. */
            readonly name: string;
            readonly status: components["schemas"]["DeploymentStatusEnum"];
            /** @description While updating: the job whose package is being loaded. */
            readonly target_job: number | null;
            /** Format: date-time */
            readonly updated_at: string;
        };
        DeploymentHealth: {
            /** @description The serving engine answers (/v2/health/live). */
            live: boolean;
            message: string;
            /** @description This deployment's model is loaded and answers (/v2/models/{name}/ready). */
            ready: boolean;
            /** @description The deployment's recorded lifecycle status. */
            status: string;
        };
        DeploymentRequestRequest: {
            /**
             * @description Protect the endpoint with a token: infer calls must send `Authorization: Bearer <token>`. The token is in this response only; it is stored hashed and cannot be shown again.
             * @default false
             */
            access_token?: boolean;
            /** @description The id of a succeeded optimization job. */
            job: number;
            /** @description Adaptive batching: the engine stacks up to this many concurrent requests along the first (batch) dim and runs them at once. 0 or 1: off. Needs a dynamic first dim on every tensor. */
            max_batch_size?: number;
            /**
             * Format: double
             * @description Adaptive batching: the most seconds a request waits for others to fill its batch (e.g. 0.005). A batch that opens at an idle model closes once it holds as many requests as the largest of the model's recent busy spells, so callers that wait for their answers do not wait out the window.
             */
            max_batch_time?: number;
        };
        /**
         * @description * `pending` - Pending
         *     * `loading` - Loading
         *     * `ready` - Ready
         *     * `updating` - Updating
         *     * `failed` - Failed
         *     * `stopping` - Stopping
         *     * `stopped` - Stopped
         * @enum {string}
         */
        DeploymentStatusEnum: "pending" | "loading" | "ready" | "updating" | "failed" | "stopping" | "stopped";
        /**
         * @description * `cpu` - cpu
         *     * `gpu` - gpu
         * @enum {string}
         */
        DeviceEnum: "cpu" | "gpu";
        Error: {
            /** @description What went wrong, for a person to read. */
            detail: string;
            /** @description Messages by field name; empty when the error is not about one field. */
            errors: {
                [key: string]: string[];
            };
        };
        /**
         * @description * `onnx` - ONNX
         *     * `torchscript` - TorchScript
         *     * `pytorch` - PyTorch module file (torch.save)
         *     * `tf-savedmodel` - TensorFlow SavedModel
         *     * `tf-frozen-graph` - TensorFlow frozen graph
         * @enum {string}
         */
        FormatEnum: "onnx" | "torchscript" | "pytorch" | "tf-savedmodel" | "tf-frozen-graph";
        Job: {
            readonly attempts: number;
            readonly cancel_requested: boolean;
            /** Format: date-time */
            readonly created_at: string;
            readonly device: string;
            /**
             * Format: date-time
             * @description When its message was last sent.
             */
            readonly dispatched_at: string | null;
            readonly error: string;
            /** Format: date-time */
            readonly finished_at: string | null;
            /** @description The worker's CPU model, ISA flags, GPU. */
            readonly hardware: unknown;
            /** Format: date-time */
            readonly heartbeat_at: string | null;
            readonly id: number;
            readonly log: unknown;
            readonly model: number;
            readonly model_name: string;
            readonly model_version: number;
            readonly options: unknown;
            readonly package_url: string | null;
            /** @description 0..9; higher runs sooner (CI may raise it). */
            readonly priority: number;
            readonly progress: number;
            readonly recipe: components["schemas"]["RecipeEnum"];
            readonly report: unknown;
            readonly stage: string;
            /** Format: date-time */
            readonly started_at: string | null;
            readonly status: components["schemas"]["JobStatusEnum"];
            readonly worker: string;
        };
        /**
         * @description * `queued` - Queued
         *     * `running` - Running
         *     * `succeeded` - Succeeded
         *     * `failed` - Failed
         *     * `cancelled` - Cancelled
         * @enum {string}
         */
        JobStatusEnum: "queued" | "running" | "succeeded" | "failed" | "cancelled";
        Lineage: {
            source_job: number | null;
            source_model: number | null;
            /** @description The version's number in source_model. */
            source_version: number | null;
        };
        Model: {
            readonly can_edit: boolean;
            /** Format: date-time */
            readonly created_at: string;
            description?: string;
            format?: string;
            framework?: string;
            readonly id: number;
            readonly latest_version: components["schemas"]["ModelVersionSummary"] | null;
            name: string;
            readonly node_counts: components["schemas"]["NodeCounts"] | null;
            readonly owner: string;
            readonly signature: components["schemas"]["Signature"] | null;
            source?: components["schemas"]["SourceEnum"];
            readonly tags: string[];
            readonly team: number | null;
            /** Format: date-time */
            readonly updated_at: string;
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        ModelDetail: {
            readonly can_edit: boolean;
            /** @description The model card, in Markdown. */
            card: string;
            /** Format: date-time */
            readonly created_at: string;
            description?: string;
            format?: string;
            framework?: string;
            readonly id: number;
            readonly latest_version: components["schemas"]["ModelVersion"] | null;
            name: string;
            readonly node_counts: components["schemas"]["NodeCounts"] | null;
            readonly owner: string;
            readonly signature: components["schemas"]["Signature"] | null;
            source?: components["schemas"]["SourceEnum"];
            readonly tags: string[];
            readonly team: number | null;
            /** Format: date-time */
            readonly updated_at: string;
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        ModelUploadRequest: {
            /** @default  */
            card?: string;
            /** @default  */
            description?: string;
            /** @description External data files of an ONNX model, sent beside it. */
            external_data?: string[];
            /**
             * Format: binary
             * @description An ONNX model (.onnx), a TorchScript or PyTorch module file (.pt), or an archive (.zip, .tar.gz) of an ONNX model with external data or a TensorFlow SavedModel.
             */
            file: string;
            name: string;
            /** @description The file's SHA-256; the upload is refused when it does not match. */
            sha256?: string;
            tags?: string[];
            team?: number | null;
            /** @default private */
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        ModelUriRequest: {
            /** @default  */
            card?: string;
            /** @default  */
            description?: string;
            name: string;
            /** @description The file's SHA-256; the upload is refused when it does not match. */
            sha256?: string;
            tags?: string[];
            team?: number | null;
            /** @description s3://bucket/key or oss://bucket/key of one object. */
            uri: string;
            /** @default private */
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        ModelVersion: {
            /** Format: date-time */
            readonly created_at: string;
            readonly dynamic_dims: string[];
            files: components["schemas"]["StoredFile"][];
            format?: components["schemas"]["FormatEnum"];
            framework?: string;
            readonly id: number;
            readonly lineage: components["schemas"]["Lineage"] | null;
            readonly node_counts: components["schemas"]["NodeCounts"] | null;
            /** Format: int64 */
            number: number;
            readonly opset: number | null;
            sha256: string;
            readonly signature: components["schemas"]["Signature"];
            /** Format: int64 */
            size_bytes: number;
            source?: components["schemas"]["SourceEnum"];
            source_uri?: string;
            status?: components["schemas"]["ModelVersionStatusEnum"];
            status_message?: string;
            /** @description The main file; other files lie beside it. */
            storage_key: string;
        };
        ModelVersionDetail: {
            /** Format: date-time */
            readonly created_at: string;
            readonly dynamic_dims: string[];
            files: components["schemas"]["StoredFile"][];
            format?: components["schemas"]["FormatEnum"];
            framework?: string;
            readonly id: number;
            /** @description Everything inspection found (op types, workload, recommendations). */
            inspection: unknown;
            readonly lineage: components["schemas"]["Lineage"] | null;
            readonly node_counts: components["schemas"]["NodeCounts"] | null;
            /** Format: int64 */
            number: number;
            readonly opset: number | null;
            sha256: string;
            readonly signature: components["schemas"]["Signature"];
            /** Format: int64 */
            size_bytes: number;
            source?: components["schemas"]["SourceEnum"];
            source_uri?: string;
            status?: components["schemas"]["ModelVersionStatusEnum"];
            status_message?: string;
            /** @description The main file; other files lie beside it. */
            storage_key: string;
        };
        /**
         * @description * `pending` - Stored, waiting for inspection
         *     * `inspecting` - Inspection running
         *     * `ready` - Ready
         *     * `failed` - Inspection failed
         * @enum {string}
         */
        ModelVersionStatusEnum: "pending" | "inspecting" | "ready" | "failed";
        /** @description What a list row shows of the latest version (the full version is one request away). */
        ModelVersionSummary: {
            /** Format: date-time */
            readonly created_at: string;
            format?: components["schemas"]["FormatEnum"];
            framework?: string;
            readonly id: number;
            /** Format: int64 */
            number: number;
            sha256: string;
            /** Format: int64 */
            size_bytes: number;
            source_uri?: string;
            status?: components["schemas"]["ModelVersionStatusEnum"];
            /** @description The main file; other files lie beside it. */
            storage_key: string;
        };
        NodeCounts: {
            compute: number;
            data_movement: number;
            memory: number;
            other: number;
            total: number;
        };
        OptimizationRequestRequest: {
            /**
             * Format: double
             * @description Minimum cosine similarity to the fp32 original.
             */
            accuracy_budget?: number;
            /** @description Calibration data (multipart): .npz files, each one batch of arrays named like the model's inputs. Without it, INT8 calibration and the accuracy check use inputs generated from the signature. */
            calibration?: string[];
            /** @default cpu */
            device?: components["schemas"]["DeviceEnum"];
            /**
             * @description 0..9; higher runs sooner (e.g. a release pipeline).
             * @default 0
             */
            priority?: number;
            /** @default auto */
            recipe?: components["schemas"]["RecipeEnum"];
            /** @description Shape set, e.g. 'batch=1,4,16;seq=32,128'. */
            shapes?: string;
            time_budget_s?: number;
        };
        PaginatedDeploymentList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["Deployment"][];
        };
        PaginatedJobList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["Job"][];
        };
        PaginatedModelList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["Model"][];
        };
        PaginatedModelVersionList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["ModelVersion"][];
        };
        PaginatedPersonalTokenList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["PersonalToken"][];
        };
        PaginatedTeamList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["Team"][];
        };
        PaginatedWebhookDeliveryList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["WebhookDelivery"][];
        };
        PaginatedWebhookList: {
            /** @example 123 */
            count: number;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=4
             */
            next?: string | null;
            /**
             * Format: uri
             * @example http://api.example.org/accounts/?page=2
             */
            previous?: string | null;
            results: components["schemas"]["Webhook"][];
        };
        PatchedModelUpdateRequest: {
            card?: string;
            description?: string;
            name?: string;
            tags?: string[];
            team?: number | null;
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        PersonalToken: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            /** Format: date-time */
            readonly expires_at: string | null;
            /** @description The first characters of the secret, to recognise it. */
            readonly hint: string;
            readonly id: number;
            /** Format: date-time */
            readonly last_used_at: string | null;
            readonly name: string;
            /** Format: date-time */
            readonly revoked_at: string | null;
        };
        PersonalTokenCreated: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            /** Format: date-time */
            readonly expires_at: string | null;
            /** @description The first characters of the secret, to recognise it. */
            readonly hint: string;
            readonly id: number;
            /** Format: date-time */
            readonly last_used_at: string | null;
            readonly name: string;
            /** Format: date-time */
            readonly revoked_at: string | null;
            /** @description The secret. Shown only in this response. */
            readonly token: string;
        };
        PersonalTokenCreateRequest: {
            /**
             * Format: date-time
             * @description When the token stops working; none for no expiry.
             */
            expires_at?: string | null;
            name: string;
        };
        /**
         * @description * `lossless` - Lossless
         *     * `bf16` - Bf16
         *     * `int8` - Int8
         *     * `auto` - Auto
         * @enum {string}
         */
        RecipeEnum: "lossless" | "bf16" | "int8" | "auto";
        RedeployRequestRequest: {
            /** @description A newer succeeded optimization job of the same model. */
            job: number;
            /** @description Adaptive batching: the engine stacks up to this many concurrent requests along the first (batch) dim and runs them at once. 0 or 1: off. Needs a dynamic first dim on every tensor. */
            max_batch_size?: number;
            /**
             * Format: double
             * @description Adaptive batching: the most seconds a request waits for others to fill its batch (e.g. 0.005). A batch that opens at an idle model closes once it holds as many requests as the largest of the model's recent busy spells, so callers that wait for their answers do not wait out the window.
             */
            max_batch_time?: number;
        };
        Signature: {
            inputs: components["schemas"]["TensorSpec"][];
            outputs: components["schemas"]["TensorSpec"][];
        };
        /**
         * @description * `upload` - Uploaded file
         *     * `uri` - Registered from an object-store URI
         *     * `official` - Official example, built on the server
         *     * `optimized` - Package of an optimization job
         * @enum {string}
         */
        SourceEnum: "upload" | "uri" | "official" | "optimized";
        SpeedupAnalytics: {
            buckets: components["schemas"]["SpeedupBucket"][];
            by_family: {
                [key: string]: components["schemas"]["SpeedupDistribution"];
            };
            by_recipe: {
                [key: string]: components["schemas"]["SpeedupDistribution"];
            };
            jobs: number;
            /**
             * Format: double
             * @description Share of jobs faster than 1.1x.
             */
            share_above_1_1: number | null;
        };
        SpeedupBucket: {
            count: number;
            label: string;
        };
        SpeedupDistribution: {
            buckets: components["schemas"]["SpeedupBucket"][];
            jobs: number;
            /**
             * Format: double
             * @description Share of jobs faster than 1.1x.
             */
            share_above_1_1: number | null;
        };
        StoredFile: {
            path: string;
            sha256: string;
            size_bytes: number;
        };
        Team: {
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            readonly members: string[];
            name: string;
        };
        TeamMemberRequest: {
            username: string;
        };
        TeamRequest: {
            name: string;
        };
        TensorSpec: {
            dtype: string;
            name: string;
            /** @description Dims: an int, the name of a symbolic dim, or null. */
            shape: unknown[];
        };
        TokenResponse: {
            token: string;
        };
        TritonExport: {
            config_pbtxt: string;
            /** @description Written below model_repository. */
            files: string[];
            /** @description What to give Triton as --model-repository: s3://bucket/packages/<job>/triton (s3://host:port/bucket/... for an S3 API other than AWS's), or a local path. */
            model_repository: string;
            /** @description The model's folder in the repository, and its name in Triton. */
            name: string;
            /** @description Where Triton will not run the package as the worker measured it. */
            notes: string[];
        };
        TritonExportRequestRequest: {
            /**
             * @description Triton's dynamic batching limit, used when every tensor shares a symbolic first dim; 0: off.
             * @default 8
             */
            max_batch_size?: number;
            /** @description Triton model name (letters, digits, '_', '.', '-'); default: the model's name, made safe. */
            name?: string;
        };
        Upload: {
            /** Format: date-time */
            expires_at: string;
            filename: string;
            id: number;
            part_size: number;
            parts: components["schemas"]["UploadPart"][];
            size_bytes: number;
        };
        UploadCompleteRequest: {
            /** @default  */
            card?: string;
            /** @default  */
            description?: string;
            /** @description Add the file as the next version of this model. */
            model?: number;
            /** @description Register a new model with this name (or give `model`). */
            name?: string;
            parts: components["schemas"]["CompletedPartRequest"][];
            /** @description The file's SHA-256; the upload is refused when it does not match. */
            sha256?: string;
            tags?: string[];
            team?: number | null;
            /** @default private */
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        UploadPart: {
            part_number: number;
            /** @description PUT this part's bytes here; keep the ETag header of the answer. */
            url: string;
        };
        UploadStartRequest: {
            /** @description The file's name (its suffix helps detect the format). */
            filename: string;
            /**
             * Format: int64
             * @description Bytes per part (5 MiB to 5 GiB; the server may raise it).
             */
            part_size?: number;
            /** @description The whole file's SHA-256, checked on complete. */
            sha256: string;
            /** Format: int64 */
            size_bytes: number;
        };
        User: {
            id: number;
            is_staff: boolean;
            username: string;
        };
        VersionFromJobRequest: {
            /** @description A succeeded optimization job whose package becomes the new version. */
            job: number;
        };
        VersionUploadRequest: {
            external_data?: string[];
            /**
             * Format: binary
             * @description An ONNX model (.onnx), a TorchScript or PyTorch module file (.pt), or an archive (.zip, .tar.gz) of an ONNX model with external data or a TensorFlow SavedModel.
             */
            file: string;
            sha256?: string;
        };
        VersionUriRequest: {
            sha256?: string;
            /** @description s3://bucket/key or oss://bucket/key of one object. */
            uri: string;
        };
        /**
         * @description * `private` - Private to the owner
         *     * `team` - Shared with a team
         *     * `official` - Official: visible to everyone, read-only
         * @enum {string}
         */
        VisibilityEnum: "private" | "team" | "official";
        Webhook: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            /** @description When set, the webhook hears about the jobs of every member of the team. */
            readonly team: number | null;
            /** Format: uri */
            readonly url: string;
        };
        WebhookDelivery: {
            readonly attempts: number;
            /** Format: date-time */
            readonly created_at: string;
            /** Format: date-time */
            readonly delivered_at: string | null;
            readonly error: string;
            readonly event: string;
            readonly id: number;
            readonly job: number;
            readonly payload: unknown;
            readonly response_status: number | null;
            readonly status: components["schemas"]["WebhookDeliveryStatusEnum"];
        };
        /**
         * @description * `pending` - Pending
         *     * `delivered` - Delivered
         *     * `failed` - Failed
         * @enum {string}
         */
        WebhookDeliveryStatusEnum: "pending" | "delivered" | "failed";
        WebhookRequestRequest: {
            /** @description Announce the jobs of a whole team. */
            team?: number | null;
            /** Format: uri */
            url: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    analytics_speedups_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SpeedupAnalytics"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_me_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_session_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
        };
    };
    auth_session_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["CredentialsRequest"];
                "multipart/form-data": components["schemas"]["CredentialsRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_session_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    auth_token_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CredentialsRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["CredentialsRequest"];
                "multipart/form-data": components["schemas"]["CredentialsRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_tokens_list: {
        parameters: {
            query?: {
                /** @description A page number within the paginated result set. */
                page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedPersonalTokenList"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_tokens_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PersonalTokenCreateRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PersonalTokenCreateRequest"];
                "multipart/form-data": components["schemas"]["PersonalTokenCreateRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalTokenCreated"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_tokens_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this personal access token. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PersonalToken"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    auth_tokens_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this personal access token. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_list: {
        parameters: {
            query?: {
                /** @description Deployments of this model. */
                model?: number;
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /** @description A search term. */
                search?: string;
                /**
                 * @description * `pending` - Pending
                 *     * `loading` - Loading
                 *     * `ready` - Ready
                 *     * `updating` - Updating
                 *     * `failed` - Failed
                 *     * `stopping` - Stopping
                 *     * `stopped` - Stopped
                 */
                status?: "failed" | "loading" | "pending" | "ready" | "stopped" | "stopping" | "updating";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedDeploymentList"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeploymentRequestRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["DeploymentRequestRequest"];
                "multipart/form-data": components["schemas"]["DeploymentRequestRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this deployment. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this deployment. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_health_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this deployment. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentHealth"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deployments_redeploy_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this deployment. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RedeployRequestRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["RedeployRequestRequest"];
                "multipart/form-data": components["schemas"]["RedeployRequestRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Deployment"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_list: {
        parameters: {
            query?: {
                device?: string;
                /** @description Jobs of this model. */
                model?: number;
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /**
                 * @description * `lossless` - Lossless
                 *     * `bf16` - Bf16
                 *     * `int8` - Int8
                 *     * `auto` - Auto
                 */
                recipe?: "auto" | "bf16" | "int8" | "lossless";
                /** @description A search term. */
                search?: string;
                /**
                 * @description * `queued` - Queued
                 *     * `running` - Running
                 *     * `succeeded` - Succeeded
                 *     * `failed` - Failed
                 *     * `cancelled` - Cancelled
                 */
                status?: "cancelled" | "failed" | "queued" | "running" | "succeeded";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedJobList"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this job. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_cancel_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this job. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_exports_kserve_retrieve: {
        parameters: {
            query?: {
                /** @description InferenceService name (DNS-1035); default: the model's name, made safe. */
                name?: string;
                namespace?: string;
                /** @description The service account whose secret holds the bucket's credentials. */
                service_account?: string;
            };
            header?: never;
            path: {
                /** @description A unique integer value identifying this job. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_exports_triton_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this job. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TritonExportRequestRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TritonExportRequestRequest"];
                "multipart/form-data": components["schemas"]["TritonExportRequestRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TritonExport"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    jobs_package_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this job. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": string;
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_list: {
        parameters: {
            query?: {
                /**
                 * @description * `onnx` - ONNX
                 *     * `torchscript` - TorchScript
                 *     * `pytorch` - PyTorch module file (torch.save)
                 *     * `tf-savedmodel` - TensorFlow SavedModel
                 *     * `tf-frozen-graph` - TensorFlow frozen graph
                 */
                format?: "onnx" | "pytorch" | "tf-frozen-graph" | "tf-savedmodel" | "torchscript";
                /** @description onnx, pytorch, tensorflow */
                framework?: string;
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description The owner's username. */
                owner?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /** @description Fuzzy keywords over name, description and tags. */
                search?: string;
                /**
                 * @description * `upload` - Uploaded file
                 *     * `uri` - Registered from an object-store URI
                 *     * `official` - Official example, built on the server
                 *     * `optimized` - Package of an optimization job
                 */
                source?: "official" | "optimized" | "upload" | "uri";
                /** @description Models with this tag. */
                tag?: string;
                /**
                 * @description * `private` - Private to the owner
                 *     * `team` - Shared with a team
                 *     * `official` - Official: visible to everyone, read-only
                 */
                visibility?: "official" | "private" | "team";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedModelList"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ModelUriRequest"];
                "multipart/form-data": components["schemas"]["ModelUploadRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDetail"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this registered model. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDetail"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this registered model. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_partial_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this registered model. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedModelUpdateRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedModelUpdateRequest"];
                "multipart/form-data": components["schemas"]["PatchedModelUpdateRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDetail"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_optimizations_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["OptimizationRequestRequest"];
                "multipart/form-data": components["schemas"]["OptimizationRequestRequest"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_list: {
        parameters: {
            query?: {
                /** @description A page number within the paginated result set. */
                page?: number;
            };
            header?: never;
            path: {
                model_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedModelVersionList"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VersionUriRequest"];
                "multipart/form-data": components["schemas"]["VersionUploadRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersionDetail"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersionDetail"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_download_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_from_job_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VersionFromJobRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelVersionDetail"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    teams_list: {
        parameters: {
            query?: {
                /** @description A page number within the paginated result set. */
                page?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedTeamList"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    teams_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TeamRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TeamRequest"];
                "multipart/form-data": components["schemas"]["TeamRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    teams_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this team. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    teams_members_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this team. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TeamMemberRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["TeamMemberRequest"];
                "multipart/form-data": components["schemas"]["TeamMemberRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Team"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    teams_members_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this team. */
                id: number;
                username: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    uploads_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UploadStartRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Upload"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    uploads_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this pending upload. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    uploads_complete_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this pending upload. */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UploadCompleteRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDetail"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    webhooks_list: {
        parameters: {
            query?: {
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /** @description A search term. */
                search?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedWebhookList"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    webhooks_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookRequestRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["WebhookRequestRequest"];
                "multipart/form-data": components["schemas"]["WebhookRequestRequest"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    webhooks_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this webhook. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    webhooks_destroy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this webhook. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    webhooks_deliveries_list: {
        parameters: {
            query?: {
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /** @description A search term. */
                search?: string;
            };
            header?: never;
            path: {
                /** @description A unique integer value identifying this webhook. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaginatedWebhookDeliveryList"];
                };
            };
            /** @description The request is invalid; `errors` names the fields. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Not authenticated, or the API token is invalid, expired or revoked. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Authenticated, but not allowed to do this. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such resource, or it is not visible to you (or no such page). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
