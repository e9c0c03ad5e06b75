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
        /**
         * @description Exchange a username and password for a new API token (for CI pipelines and
         *     the CLI): every scope, expires after WHETSTONE_LOGIN_TOKEN_TTL_DAYS, listed
         *     under /auth/tokens/ and revocable there.
         */
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
         * @description Status goes pending → loading → ready | failed (the engine's reason in `message`). The package served is the one built for the serving engine's hardware class: the job's own, or a sibling of the same model version and recipe; a package measured on another class answers 409 unless allow_other_class. The engine re-checks the package's accuracy when it loads it (`accuracy_on_engine`) and refuses one that misses its budget there; it also times the package against that original (`speed_on_engine`), and a package slower there than the original, beyond the noise, is served with a warning in `message`.
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
    "/api/v1/deployments/{id}/tokenize/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tokenize text into the served model's inputs with its version's tokenizer
         * @description The model version the served job optimized holds the tokenizer (`tokenizer` on the deployment; null when none). The answer's `inputs` are V2 tensors ready to send to the endpoint, padded and truncated to the sequence length an input fixes; 409 when no tokenizer is attached.
         */
        post: operations["deployments_tokenize_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/deployments/{id}/traffic/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Traffic: calls, errors and latency since the engine started, and per minute over a window
         * @description The totals are read now from the engine's Prometheus metrics (the operator's SERVING_METRICS_URL; this endpoint takes no address), cumulative since the engine started. When the engine does not answer within 2 s, `reachable` is false and `message` says so. `history` is computed from the samples of those counters that the platform takes every `sample_interval_s` (kept two hours): per minute of `window`, the requests per second, the error rate and p50/p99 latency from the histogram's bucket increases, counting again from zero where the engine restarted.
         */
        get: operations["deployments_traffic_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hardware/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The hardware classes present, with their online workers and serving engines
         * @description A job targets one class (`hardware_class` in an optimization request) and runs only on a worker of that class; a package deploys to an engine of the class it was measured on. A member is online while it was heard from within the heartbeat timeout.
         */
        get: operations["hardware_list"];
        put?: never;
        post?: never;
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
        /** Change a model's name, description, card, tags, visibility, image preprocessing or class labels */
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
        /**
         * Start an optimization of the model's latest version
         * @description Answers the job; with hardware_class 'all', the request_group and one job per class.
         */
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
    "/api/v1/models/{model_id}/versions/{number}/examples/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A version's example inputs: how many batches, and their shapes
         * @description /models/{model_id}/versions/[{number}/]
         */
        get: operations["models_versions_examples_retrieve"];
        /**
         * Attach example inputs (.npz batches) to a version, replacing any it had; jobs that bring no calibration data use them
         * @description /models/{model_id}/versions/[{number}/]
         */
        put: operations["models_versions_examples_update"];
        post?: never;
        /**
         * Remove a version's example inputs (queued jobs keep their copy)
         * @description /models/{model_id}/versions/[{number}/]
         */
        delete: operations["models_versions_examples_destroy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/{number}/tokenize/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Tokenize text into the version's inputs with its tokenizer
         * @description Returns input_ids, attention_mask (and token_type_ids, position_ids where the model has such inputs) as V2 tensors of the inputs' datatypes, padded and truncated to the sequence length an input fixes (else padded to the longest text), with each text's tokens. 409 when no tokenizer is attached.
         */
        post: operations["models_versions_tokenize_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model_id}/versions/{number}/tokenizer/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A version's tokenizer (404 when none is attached)
         * @description /models/{model_id}/versions/[{number}/]
         */
        get: operations["models_versions_tokenizer_retrieve"];
        /**
         * Attach a Hugging Face tokenizer.json to a version, replacing any it had: text then fills its token-id inputs (the tokenize endpoints, the console's try-it form)
         * @description The file is JSON data, never code: it must be at most MODELHUB_MAX_TOKENIZER_BYTES (413 otherwise), UTF-8 JSON with a "model" object, and load in the tokenizers library (400 with the library's reason otherwise). The version's inputs must all be integer token ids, masks, segment or position ids of shape [batch, sequence] or [sequence] (400 naming the one that is not).
         */
        put: operations["models_versions_tokenizer_update"];
        post?: never;
        /**
         * Remove a version's tokenizer
         * @description /models/{model_id}/versions/[{number}/]
         */
        delete: operations["models_versions_tokenizer_destroy"];
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
    "/api/v1/team-invitations/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Team invitations waiting for your answer
         * @description Invitations addressed to you: accept to join the team, or decline.
         */
        get: operations["team_invitations_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/team-invitations/{id}/accept/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation: you join the team
         * @description Invitations addressed to you: accept to join the team, or decline.
         */
        post: operations["team_invitations_accept_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/team-invitations/{id}/decline/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline an invitation
         * @description Invitations addressed to you: accept to join the team, or decline.
         */
        post: operations["team_invitations_decline_create"];
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
        /**
         * The teams you belong to
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        get: operations["teams_list"];
        put?: never;
        /**
         * Create a team; you become its owner and first member
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
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
        /**
         * A team, its owner, admins and members
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        get: operations["teams_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/teams/{id}/leave/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Leave the team (its owner only once nobody else is in it)
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        post: operations["teams_leave_create"];
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
        /**
         * Invite a user to the team: its owner and admins (they join when they accept; staff add directly)
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
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
        /**
         * Remove a user from the team (the owner removes anyone but themself, admins remove plain members), or withdraw an invitation (the owner, an admin, or whoever sent it)
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        delete: operations["teams_members_destroy"];
        options?: never;
        head?: never;
        /**
         * Promote a member to admin, or demote an admin (the owner only)
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        patch: operations["teams_members_partial_update"];
        trace?: never;
    };
    "/api/v1/teams/{id}/transfer/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Hand the team to another member (the owner only); the previous owner stays as an admin
         * @description Teams and their roles: the owner promotes and demotes admins, removes anyone but themself and
         *     hands the team over; admins invite and remove plain members; members may leave. Staff may do
         *     what an owner does. A team you are not in answers 404.
         */
        post: operations["teams_transfer_create"];
        delete?: never;
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
        /**
         * @description Of the succeeded jobs you can see on the model (any version), the one with the highest headline
         *     speed-up.
         */
        BestJob: {
            id: number;
            /**
             * Format: double
             * @description Its headline speed-up at the primary shape.
             */
            speedup: number;
        };
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
            /** @description The engine's re-check of the package against its fp32 original on the engine's own hardware, when it loaded it: checked, passes, cosine, budget, inputs, hardware_class; null before. */
            readonly accuracy_on_engine: unknown;
            /** Format: date-time */
            readonly created_at: string;
            /** @description Open Inference Protocol v2 infer URL; it stays the same across redeploys. */
            readonly endpoint_url: string;
            /** @description The serving engine's hardware class when the package was loaded (empty until it reported one). */
            readonly hardware_class: string;
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
            /** @description The served package was measured on another class than the engine's: its report's speed-up and accuracy describe another machine. */
            readonly measured_on_other_class: boolean;
            readonly message: string;
            readonly model: number;
            readonly model_name: string;
            /** @description The model name in the serving engine. */
            readonly name: string;
            /** @description The hardware class the served package was measured on (its report's hardware_context). */
            readonly package_hardware_class: string;
            /** @description The engine's timing of the package against its fp32 original (and an A/A control) on the engine's own hardware, when it loaded it: checked, speedup, noise, control_speedup, rounds, slower_than_original (true only when more than 10% slower beyond the noise; null when nothing was timed), coarse (single runs only: a model too slow for the full measurement), claimed_speedup (the report's), baseline_threads, hardware_class, cpu_generation, measured_on, measured_on_generation; `reason` when nothing, or only a coarse timing, was done; null before. */
            readonly speed_on_engine: unknown;
            readonly status: components["schemas"]["DeploymentStatusEnum"];
            /** @description While updating: the job whose package is being loaded. */
            readonly target_job: number | null;
            /** @description The tokenizer of the model version the served job optimized: text can then be tokenized into the endpoint's inputs (POST .../tokenize/). Null when none is attached. */
            readonly tokenizer: components["schemas"]["Tokenizer"] | null;
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
            /**
             * @description Deploy a package measured on another hardware class than the serving engine's (otherwise 409, unless a package of the same model version and recipe built for the engine's class exists: that one is served). The deployment is then marked measured_on_other_class.
             * @default false
             */
            allow_other_class?: boolean;
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
        DeploymentTraffic: {
            /**
             * Format: double
             * @description errors / requests; null without calls.
             */
            error_rate: number | null;
            /** @description Of those, the ones that failed. */
            errors: number | null;
            /** @description Per-minute figures over the window, from the samples the platform takes of the engine's counters (stored, so they are there when the engine is not). */
            history: components["schemas"]["TrafficHistory"];
            /** @description Infer latency percentiles in ms, from the engine's histogram buckets (as coarse as they are). */
            latency_ms: components["schemas"]["LatencyPercentiles"] | null;
            /** Format: double */
            mean_ms: number | null;
            /** @description Why there are no figures, when there are none. */
            message: string;
            /**
             * Format: date-time
             * @description When the engine was asked.
             */
            observed_at: string;
            /** @description Whether the serving engine's metrics answered. */
            reachable: boolean;
            /** @description Infer calls since the engine started. */
            requests: number | null;
        };
        /** @enum {string} */
        DeviceEnum: "cpu" | "gpu";
        Error: {
            /** @description What went wrong, for a person to read. */
            detail: string;
            /** @description Messages by field name; empty when the error is not about one field. */
            errors: {
                [key: string]: string[];
            };
        };
        ExampleFile: {
            /** @description The file's name as it was sent. */
            name: string;
            sha256: string;
            /** @description The shape of each input's array in this batch. */
            shapes: {
                [key: string]: number[];
            };
            size_bytes: number;
        };
        ExampleInputs: {
            /** @description How many example batches are attached (0: none). */
            count: number;
            files: components["schemas"]["ExampleFile"][];
            /** @description The distinct input shapes the batches hold; a job's primary shape is the first batch's. */
            shapes: {
                [key: string]: number[];
            }[];
            size_bytes: number;
            /** Format: date-time */
            updated_at: string | null;
        };
        ExampleInputsUploadRequest: {
            /** @description Example inputs: .npz files, each one batch of arrays named like the model's inputs. They replace any the version had. */
            files: string[];
        };
        FleetMember: {
            /** @description The CPU's family and model numbers (e.g. 'family 23 model 1', AMD's Zen 1), where it reports them: one class can hold several generations, and what wins on one may not on another. */
            cpu_generation: string | null;
            cpu_model: string;
            /** @description The class the CPU has; the member's class is narrower when its operator declared one. */
            detected_hardware_class: string;
            /** Format: date-time */
            last_seen_at: string;
            /** @description A worker's Celery hostname, or the engine's URL, for staff; for other users a stable opaque label (worker-..., engine-...). */
            name: string;
            /** @description The queues a worker consumes. */
            queues: string[];
            /** Format: date-time */
            started_at: string;
            usable_cpus: number | null;
        };
        /**
         * @description * `onnx` - ONNX
         *     * `torchscript` - TorchScript
         *     * `pytorch-export` - PyTorch exported program (torch.export .pt2)
         *     * `pytorch` - PyTorch pickle (torch.save; no longer accepted)
         *     * `tf-savedmodel` - TensorFlow SavedModel
         *     * `tf-frozen-graph` - TensorFlow frozen graph
         * @enum {string}
         */
        FormatEnum: "onnx" | "torchscript" | "pytorch-export" | "pytorch" | "tf-savedmodel" | "tf-frozen-graph";
        HardwareClass: {
            /** @description Serving engines of this class, online now. */
            engines: components["schemas"]["FleetMember"][];
            /** @description <architecture>-<vendor>-<level>, e.g. x86_64-amd-avx512vnni-bf16. */
            hardware_class: string;
            /** @description Optimizer workers of this class, online now. */
            workers: components["schemas"]["FleetMember"][];
        };
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
            /** @description The search's time budget as the worker runs it: the request's time_budget_s, or the model's minimum where that is larger; null until the search starts or without a budget. */
            readonly effective_time_budget_s: number | null;
            readonly error: string;
            /** Format: date-time */
            readonly finished_at: string | null;
            /** @description The worker's CPU model, ISA flags, GPU. */
            readonly hardware: unknown;
            /** @description The class of machine the job is optimized for and runs on (compiler_core/hardware.py); empty for jobs queued before classes existed. */
            readonly hardware_class: string;
            /** Format: date-time */
            readonly heartbeat_at: string | null;
            readonly id: number;
            readonly log: unknown;
            readonly model: number;
            readonly model_name: string;
            readonly model_version: number;
            readonly options: unknown;
            /** @description Who started the job. */
            readonly owner: string;
            readonly package_url: string | null;
            /** @description 0..9; higher runs sooner (CI may raise it). */
            readonly priority: number;
            readonly progress: number;
            readonly recipe: components["schemas"]["RecipeEnum"];
            /** @description The optimization report: a Report (report_version 2) for every job this version ran; null until the job succeeds. */
            readonly report: (components["schemas"]["Report"] | {
                [key: string]: unknown;
            }) | null;
            /** @description Shared by the jobs one request fanned out into, one per hardware class. */
            readonly request_group: string;
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
        LatencyPercentiles: {
            /** Format: double */
            p50: number | null;
            /** Format: double */
            p90: number | null;
            /** Format: double */
            p99: number | null;
        };
        /** @description The newest optimization job you can see on the model (any version). */
        LatestJob: {
            /** Format: date-time */
            created_at: string;
            id: number;
            /**
             * Format: double
             * @description Headline speed-up at the primary shape; null unless the job succeeded.
             */
            speedup: number | null;
            status: string;
        };
        Lineage: {
            source_job: number | null;
            source_model: number | null;
            /** @description The version's number in source_model. */
            source_version: number | null;
        };
        LoginToken: {
            /** Format: date-time */
            readonly expires_at: string;
            readonly id: number;
            readonly name: string;
            readonly scopes: components["schemas"]["ScopesEnum"][];
            /** @description The secret (wst_…). Shown only in this response. */
            readonly token: string;
        };
        Model: {
            readonly best_job: components["schemas"]["BestJob"] | null;
            readonly can_edit: boolean;
            /** Format: date-time */
            readonly created_at: string;
            description?: string;
            format?: string;
            framework?: string;
            readonly id: number;
            readonly latest_job: components["schemas"]["LatestJob"] | null;
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
            readonly best_job: components["schemas"]["BestJob"] | null;
            readonly can_edit: boolean;
            /** @description The model card, in Markdown. */
            card: string;
            /** Format: date-time */
            readonly created_at: string;
            description?: string;
            format?: string;
            framework?: string;
            readonly id: number;
            /** @description Class names, entry i naming class i of the class-score output; the console shows them beside the top-k scores. null until the owner saves them. */
            readonly labels: string[] | null;
            readonly latest_job: components["schemas"]["LatestJob"] | null;
            readonly latest_version: components["schemas"]["ModelVersion"] | null;
            name: string;
            readonly node_counts: components["schemas"]["NodeCounts"] | null;
            readonly owner: string;
            /** @description How the console turns a picture into the input tensor; null until the owner saves it (the console then applies ImageNet's mean/std, RGB, NCHW, scale 1/255). */
            readonly preprocessing: components["schemas"]["Preprocessing"] | null;
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
            readonly example_inputs: components["schemas"]["ExampleInputs"];
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
            /** @description The tokenizer.json attached to turn text into this version's token-id inputs; null when none. */
            readonly tokenizer: components["schemas"]["Tokenizer"] | null;
        };
        ModelVersionDetail: {
            /** Format: date-time */
            readonly created_at: string;
            readonly dynamic_dims: string[];
            readonly example_inputs: components["schemas"]["ExampleInputs"];
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
            /** @description The tokenizer.json attached to turn text into this version's token-id inputs; null when none. */
            readonly tokenizer: components["schemas"]["Tokenizer"] | null;
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
        /** OnnxRuntimeRuntime */
        OnnxRuntimeRuntime: {
            /**
             * Custom Op Libraries
             * @description shared libraries registered with the session
             */
            custom_op_libraries?: string[];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            engine: "onnxruntime";
            /**
             * Model
             * @description the graph's file, in the package folder
             * @default model.onnx
             */
            model?: string;
            /**
             * Precision
             * @description fp32, bf16, int8, or mixed (INT8 with sensitive nodes kept in float)
             * @enum {string}
             */
            precision: "fp32" | "bf16" | "int8" | "mixed";
            /** Providers */
            providers?: string[];
            session_options?: components["schemas"]["OrtSessionOptions"];
            /**
             * Specializations
             * @default null
             */
            specializations?: components["schemas"]["Specialization"][] | null;
        };
        /** OnnxRuntimeSettings */
        OnnxRuntimeSettings: {
            /**
             * Custom Op Libraries
             * @description shared libraries registered with the session
             */
            custom_op_libraries?: string[];
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            engine: "onnxruntime";
            /**
             * Model
             * @description the graph's file, in the package folder
             * @default model.onnx
             */
            model?: string;
            /**
             * Precision
             * @description fp32, bf16, int8, or mixed (INT8 with sensitive nodes kept in float)
             * @enum {string}
             */
            precision: "fp32" | "bf16" | "int8" | "mixed";
            /** Providers */
            providers?: string[];
            session_options?: components["schemas"]["OrtSessionOptions"];
        };
        /** OpenVinoRuntime */
        OpenVinoRuntime: {
            /**
             * Config
             * @description compile_model properties: INFERENCE_PRECISION_HINT, PERFORMANCE_HINT, INFERENCE_NUM_THREADS, ...
             */
            config?: {
                [key: string]: string | number | boolean;
            };
            /**
             * Device
             * @description OpenVINO's device name
             * @default CPU
             */
            device?: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            engine: "openvino";
            /**
             * Model
             * @description the graph's file, in the package folder
             * @default model.onnx
             */
            model?: string;
            /**
             * Precision
             * @description fp32, bf16, int8, or mixed (INT8 with sensitive nodes kept in float)
             * @enum {string}
             */
            precision: "fp32" | "bf16" | "int8" | "mixed";
            /**
             * Specializations
             * @default null
             */
            specializations?: components["schemas"]["Specialization"][] | null;
        };
        /** OpenVinoSettings */
        OpenVinoSettings: {
            /**
             * Config
             * @description compile_model properties: INFERENCE_PRECISION_HINT, PERFORMANCE_HINT, INFERENCE_NUM_THREADS, ...
             */
            config?: {
                [key: string]: string | number | boolean;
            };
            /**
             * Device
             * @description OpenVINO's device name
             * @default CPU
             */
            device?: string;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            engine: "openvino";
            /**
             * Model
             * @description the graph's file, in the package folder
             * @default model.onnx
             */
            model?: string;
            /**
             * Precision
             * @description fp32, bf16, int8, or mixed (INT8 with sensitive nodes kept in float)
             * @enum {string}
             */
            precision: "fp32" | "bf16" | "int8" | "mixed";
        };
        OptimizationAccepted: components["schemas"]["Job"] | components["schemas"]["OptimizationFanOut"];
        /** @description The answer to a request with hardware_class "all": one job per class. */
        OptimizationFanOut: {
            jobs: components["schemas"]["Job"][];
            /** @description Shared by the jobs; filter jobs by it: ?request_group=... */
            request_group: string;
        };
        /** @enum {string} */
        OptimizationRequestRecipeEnum: "lossless" | "bf16" | "int8" | "auto";
        /**
         * @description The API's optimization request: the compiler core's request contract (each field below is
         *     derived from it, and so is the OpenAPI component: jobs.api.schema), plus what only the platform
         *     has: `priority`, and calibration as uploaded files (the worker turns them into the contract's
         *     calibration directory). The contract's `target` is `device` here, its name in the API since
         *     before the contract; `threads` and `caller` are the worker's to set.
         *
         *     A field this serializer does not name is refused (400), not dropped: a misspelt option
         *     (`time_budget`, `options: {...}`) would otherwise run a job with the defaults.
         */
        OptimizationRequestRequest: {
            /**
             * @description Minimum cosine similarity to the fp32 original on every output: greater than 0, at most 1. The lossless recipe measures against its own stricter 0.9999.
             * @default 0.99
             */
            accuracy_budget?: number;
            /** @description Calibration data (multipart): .npz files, each one batch of arrays named like the model's inputs. Without it, INT8 calibration and the accuracy check use inputs generated from the signature. */
            calibration?: string[];
            /**
             * @description The hardware the package is for.
             * @default cpu
             */
            device?: components["schemas"]["DeviceEnum"];
            /**
             * @description The class of machine to optimize for, e.g. x86_64-amd-avx512vnni-bf16 (GET /api/v1/hardware/ lists those online); the job runs only on a worker of that class, and waits for one. 'all': one job per class online (serving engines' and workers'). Default: the serving engines' class when they are all of one class, else WHETSTONE_DEFAULT_HARDWARE_CLASS, else the workers' class. The compiler core itself measures on the machine it runs on (compiler_core.hardware).
             * @default null
             */
            hardware_class?: string | null;
            /** @description How each output's accuracy is judged, where the graph does not say it: 'name=kind;...' or {name: kind}, kind one of class_scores, sequence_logits, detections[:BOX_ROWS[+obj][+CLASSES]][,anchors-first][,grid=HxW/STRIDE+...] (YOLOv8: detections:4; YOLOv5: detections:4+obj,anchors-first; raw YOLOX-s at 640x640: detections:4+obj,anchors-first,grid=80x80/8+40x40/16+20x20/32), detections@BOX_OUTPUT (scores and boxes in two outputs), mask, regression, embedding, values; default: read from the graph (compiler_core/output_kinds.py). */
            output_kinds?: string;
            /**
             * @description 0..9; higher runs sooner (e.g. a release pipeline).
             * @default 0
             */
            priority?: number;
            /**
             * @description auto tries every recipe and keeps the fastest within the accuracy budget; lossless: fp32 fusions and tuning only; bf16; int8
             * @default auto
             */
            recipe?: components["schemas"]["OptimizationRequestRecipeEnum"];
            /** @description The shape set to measure. ONNX and torch.export (.pt2) models: values of the dynamic dims, 'batch=1,4,16;seq=32,128' (every combination) or a JSON list of {dim: value} objects; default: derived from the dims' names (batch 1/4/16, sequence 128/32/512). TorchScript models: each input named with its sizes, 'input:1x16[:dtype];mask:1x16:int64' (required). */
            shapes?: string;
            /** @description Seconds the search may take, a whole number from 10 to 86400 on this platform; default: no limit (every candidate is tried). */
            time_budget_s?: number;
        };
        /**
         * OrtSessionOptions
         * @description onnxruntime.SessionOptions, as set before the session is created.
         */
        OrtSessionOptions: {
            /**
             * Config Entries
             * @description session config entries, e.g. session.intra_op.allow_spinning: '0'
             */
            config_entries?: {
                [key: string]: string;
            };
            /**
             * Execution Mode
             * @default ORT_SEQUENTIAL
             * @enum {string}
             */
            execution_mode?: "ORT_SEQUENTIAL" | "ORT_PARALLEL";
            /**
             * Graph Optimization Level
             * @default ORT_ENABLE_ALL
             * @enum {string}
             */
            graph_optimization_level?: "ORT_DISABLE_ALL" | "ORT_ENABLE_BASIC" | "ORT_ENABLE_EXTENDED" | "ORT_ENABLE_LAYOUT" | "ORT_ENABLE_ALL";
            /**
             * Inter Op Num Threads
             * @description threads for parallel branches (ORT_PARALLEL)
             * @default 0
             */
            inter_op_num_threads?: number;
            /**
             * Intra Op Num Threads
             * @description threads one run uses; 0: onnxruntime's default
             * @default 0
             */
            intra_op_num_threads?: number;
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
        PaginatedTeamInvitationList: {
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
            results: components["schemas"]["TeamInvitation"][];
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
            /** @description Class names, entry i naming class i (at most 100,000, each at most 200 characters); null removes them. */
            labels?: string[] | null;
            name?: string;
            /** @description How the console turns a picture into the input tensor: layout (NCHW|NHWC), color (RGB|BGR), scale, mean[3], std[3]; keys left out take the defaults. null clears it. */
            preprocessing?: components["schemas"]["PreprocessingUpdateRequest"] | null;
            tags?: string[];
            team?: number | null;
            visibility?: components["schemas"]["VisibilityEnum"];
        };
        PatchedTeamMemberRoleRequest: {
            /**
             * @description admin: may invite and remove plain members; member: may not.
             *
             *     * `member` - Member
             *     * `admin` - Admin
             */
            role?: components["schemas"]["RoleEnum"];
        };
        PersonalToken: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            /** Format: date-time */
            readonly expires_at: string;
            /** @description The first characters of the secret, to recognise it. */
            readonly hint: string;
            readonly id: number;
            /** Format: date-time */
            readonly last_used_at: string | null;
            readonly name: string;
            /** Format: date-time */
            readonly revoked_at: string | null;
            /** @description What the token may do. */
            readonly scopes: components["schemas"]["ScopesEnum"][];
        };
        PersonalTokenCreated: {
            readonly active: boolean;
            /** Format: date-time */
            readonly created_at: string;
            /** Format: date-time */
            readonly expires_at: string;
            /** @description The first characters of the secret, to recognise it. */
            readonly hint: string;
            readonly id: number;
            /** Format: date-time */
            readonly last_used_at: string | null;
            readonly name: string;
            /** Format: date-time */
            readonly revoked_at: string | null;
            /** @description What the token may do. */
            readonly scopes: components["schemas"]["ScopesEnum"][];
            /** @description The secret. Shown only in this response. */
            readonly token: string;
        };
        PersonalTokenCreateRequest: {
            /**
             * Format: date-time
             * @description When the token stops working. Every token expires: absent or null means the default, WHETSTONE_LOGIN_TOKEN_TTL_DAYS from now (or with the token that creates it, if sooner); at most WHETSTONE_TOKEN_MAX_LIFETIME_DAYS from now, and never after the token that creates it.
             */
            expires_at?: string | null;
            name: string;
            /** @description What the token may do; by default everything its creator may. A token can only create tokens with scopes it has itself. */
            scopes?: components["schemas"]["ScopesEnum"][];
        };
        /** @description The shape of the saved settings, as the OpenAPI schema publishes them (component `Preprocessing`). */
        Preprocessing: {
            /**
             * @description The order of the three channels the model reads.
             *
             *     * `RGB` - RGB
             *     * `BGR` - BGR
             */
            color: components["schemas"]["PreprocessingColorEnum"];
            /**
             * @description NCHW (channel planes) or NHWC (interleaved).
             *
             *     * `NCHW` - NCHW
             *     * `NHWC` - NHWC
             */
            layout: components["schemas"]["PreprocessingLayoutEnum"];
            /** @description Subtracted per channel after scaling, in the order `color` names. */
            mean: number[];
            /**
             * Format: double
             * @description Each 0..255 pixel value is multiplied by this first (1/255: to 0..1).
             */
            scale: number;
            /** @description Divided by per channel after subtracting the mean (each > 0). */
            std: number[];
        };
        /**
         * @description * `RGB` - RGB
         *     * `BGR` - BGR
         * @enum {string}
         */
        PreprocessingColorEnum: "RGB" | "BGR";
        /**
         * @description * `NCHW` - NCHW
         *     * `NHWC` - NHWC
         * @enum {string}
         */
        PreprocessingLayoutEnum: "NCHW" | "NHWC";
        /** @description What a PATCH may send: any of the keys; those left out take the defaults. */
        PreprocessingUpdateRequest: {
            /**
             * @description The order of the three channels the model reads.
             *
             *     * `RGB` - RGB
             *     * `BGR` - BGR
             */
            color?: components["schemas"]["PreprocessingColorEnum"];
            /**
             * @description NCHW (channel planes) or NHWC (interleaved).
             *
             *     * `NCHW` - NCHW
             *     * `NHWC` - NHWC
             */
            layout?: components["schemas"]["PreprocessingLayoutEnum"];
            /** @description Subtracted per channel after scaling, in the order `color` names. */
            mean?: number[];
            /**
             * Format: double
             * @description Each 0..255 pixel value is multiplied by this first (1/255: to 0..1).
             */
            scale?: number;
            /** @description Divided by per channel after subtracting the mean (each > 0). */
            std?: number[];
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
            /**
             * @description Deploy a package measured on another hardware class than the serving engine's (otherwise 409, unless a package of the same model version and recipe built for the engine's class exists: that one is served). The deployment is then marked measured_on_other_class.
             * @default false
             */
            allow_other_class?: boolean;
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
        /**
         * Report
         * @description The optimization report (DESIGN.md, "The report"), report_version 2.
         */
        Report: {
            accuracy: components["schemas"]["ReportAccuracy"];
            /** Candidates */
            candidates: components["schemas"]["ReportCandidate"][];
            diagnosis: components["schemas"]["ReportDiagnosis"];
            /** Failures */
            failures: components["schemas"]["ReportFailure"][];
            /**
             * Fallback Nodes
             * @description nodes the chosen INT8 graph keeps in float
             */
            fallback_nodes: string[];
            hardware_context: components["schemas"]["ReportHardwareContext"];
            kernels: components["schemas"]["ReportKernels"];
            model: components["schemas"]["ReportModel"];
            /** Optimizations */
            optimizations: components["schemas"]["ReportOptimization"][];
            overall: components["schemas"]["ReportOverall"];
            /**
             * Recipe
             * @enum {string}
             */
            recipe: "lossless" | "bf16" | "int8" | "auto";
            /**
             * Report Version
             * @enum {integer}
             */
            report_version: 2;
            /** @description the package's runtime.json */
            runtime: components["schemas"]["Runtime"];
            /** Shapes */
            shapes: components["schemas"]["ReportShape"][];
            /**
             * Software Context
             * @description package versions, python and os
             */
            software_context: {
                [key: string]: string | null;
            };
            timing: components["schemas"]["ReportTiming"];
        };
        /** ReportAccuracy */
        ReportAccuracy: {
            /** Budget */
            budget: number;
            /** Cosine */
            cosine: number;
            /** Max Abs Diff */
            max_abs_diff: number | null;
            /**
             * Metric
             * @enum {string}
             */
            metric: "cosine";
            /** Passes */
            passes: boolean;
            /**
             * Per Output
             * @default null
             */
            per_output?: {
                [key: string]: components["schemas"]["ReportOutputAccuracy"];
            } | null;
            /**
             * Requested Budget
             * @description the budget the user asked for; lossless measures against 0.9999
             */
            requested_budget: number;
            /** Top1 Agreement */
            top1_agreement: number | null;
            /** Value */
            value: number;
        };
        /** ReportAccuracyCheck */
        ReportAccuracyCheck: {
            /** Budget */
            budget: number;
            /** Cosine */
            cosine: number;
            /** Max Abs Diff */
            max_abs_diff: number | null;
            /**
             * Metric
             * @enum {string}
             */
            metric: "cosine";
            /** Passes */
            passes: boolean;
            /**
             * Per Output
             * @default null
             */
            per_output?: {
                [key: string]: components["schemas"]["ReportOutputAccuracy"];
            } | null;
            /** Top1 Agreement */
            top1_agreement: number | null;
            /** Value */
            value: number;
        };
        /**
         * ReportCandidate
         * @description Every candidate tried. Those listed from the tuning cache (`from_cache`) carry only name,
         *     engine, precision, status, the two speed-ups and why_lost.
         */
        ReportCandidate: {
            /** @default null */
            accuracy?: components["schemas"]["ReportAccuracyCheck"] | null;
            /**
             * Baseline Latency
             * @description per shape label
             * @default null
             */
            baseline_latency?: {
                [key: string]: components["schemas"]["ReportLatency"];
            } | null;
            /**
             * Build Seconds
             * @default null
             */
            build_seconds?: number | null;
            /**
             * Confirmation Speedup
             * @default null
             */
            confirmation_speedup?: number | null;
            /**
             * Detail
             * @default null
             */
            detail?: string | null;
            /** Engine */
            engine: string | null;
            /**
             * Fallback Nodes
             * @default null
             */
            fallback_nodes?: string[] | null;
            /**
             * From Cache
             * @default null
             */
            from_cache?: boolean | null;
            /**
             * Latency
             * @description per shape label
             * @default null
             */
            latency?: {
                [key: string]: components["schemas"]["ReportLatency"];
            } | null;
            /** Name */
            name: string;
            /**
             * Noise
             * @default null
             */
            noise?: number | null;
            /** Precision */
            precision: string | null;
            /**
             * Runoff Speedup
             * @description its primary-shape figure from the final runoff
             */
            runoff_speedup: number | null;
            /**
             * Serves Shapes
             * @default null
             */
            serves_shapes?: string[] | null;
            /**
             * Speedup
             * @description geometric mean over the shapes this candidate was measured at
             */
            speedup: number | null;
            /**
             * Status
             * @enum {string}
             */
            status: "chosen" | "routed" | "lost" | "rejected" | "failed" | "skipped";
            /** Why Lost */
            why_lost: string | null;
        };
        /** ReportDiagnosis */
        ReportDiagnosis: {
            /**
             * Baseline
             * @description what the speed-ups are measured against
             */
            baseline: string;
            /**
             * Message
             * @description the one-sentence verdict a user reads first
             */
            message: string;
            /**
             * Shape Variation
             * @enum {string}
             */
            shape_variation: "static" | "dynamic";
            /** Test Data Source */
            test_data_source: string;
            /** Threads */
            threads: number;
        };
        /** ReportFailure */
        ReportFailure: {
            /** Detail */
            detail: string | null;
            /** Name */
            name: string;
            /**
             * Status
             * @default null
             * @enum {string|null}
             */
            status?: "skipped" | null;
        };
        /** ReportHardwareContext */
        ReportHardwareContext: {
            /** Architecture */
            architecture: string;
            /**
             * Cpu Generation
             * @description the CPU's family and model numbers, e.g. 'family 23 model 1' (AMD Zen 1): a cloud guest's model name often hides them, and one hardware class holds several generations, on which what wins can differ
             * @default null
             */
            cpu_generation?: string | null;
            /** Cpu Model */
            cpu_model: string;
            /**
             * Detected Hardware Class
             * @description the class the worker's CPU has; differs from hardware_class when the worker declared a narrower one (WHETSTONE_HARDWARE_CLASS)
             */
            detected_hardware_class: string;
            /**
             * Hardware Class
             * @description the class the package was measured on and holds for: <architecture>-<vendor>-<level>, e.g. x86_64-amd-avx512vnni-bf16 (compiler_core/hardware.py); narrowed when the worker declared one
             */
            hardware_class: string;
            /** Has Amx */
            has_amx: boolean;
            /** Has Bf16 */
            has_bf16: boolean;
            /** Has Vnni */
            has_vnni: boolean;
            /**
             * Isa
             * @description ISA flags the optimizer cares about, e.g. avx512_vnni, amx_bf16
             */
            isa: {
                [key: string]: boolean;
            };
            /** Logical Cpus */
            logical_cpus: number;
            /** Memory Bytes */
            memory_bytes: number | null;
            /**
             * Usable Cpus
             * @description CPUs this process may use (affinity and cgroup quota)
             */
            usable_cpus: number;
            /** Vendor */
            vendor: string;
        };
        /** ReportKernels */
        ReportKernels: {
            after: components["schemas"]["ReportKernelTable"];
            before: components["schemas"]["ReportKernelTable"];
        };
        /**
         * ReportKernelTable
         * @description Kernel counts by category (the FusionStitching columns); with times for onnxruntime. A table
         *     that could not be produced holds only `error`.
         */
        ReportKernelTable: {
            /**
             * Compute
             * @default null
             */
            compute?: number | null;
            /**
             * Data Movement
             * @default null
             */
            data_movement?: number | null;
            /**
             * Error
             * @description why the table is missing
             * @default null
             */
            error?: string | null;
            /**
             * Graph
             * @description which graph was counted
             * @default null
             */
            graph?: string | null;
            /**
             * Host Ms
             * @description time per run outside the kernels (onnxruntime only)
             * @default null
             */
            host_ms?: number | null;
            /**
             * Memory
             * @default null
             */
            memory?: number | null;
            /**
             * Other
             * @default null
             */
            other?: number | null;
            /**
             * Time Ms
             * @description kernel time per category and total, per run (onnxruntime only)
             * @default null
             */
            time_ms?: {
                [key: string]: number;
            } | null;
            /**
             * Total
             * @default null
             */
            total?: number | null;
        };
        /** ReportLatency */
        ReportLatency: {
            /** Mean Ms */
            mean_ms: number | null;
            /** P50 Ms */
            p50_ms: number | null;
            /** P90 Ms */
            p90_ms: number | null;
            /** P99 Ms */
            p99_ms: number | null;
            /** Runs */
            runs: number;
        };
        /** ReportModel */
        ReportModel: {
            /**
             * Sha256
             * @description sha256 of the model file as uploaded (before any conversion)
             */
            sha256: string;
            /**
             * Source Format
             * @description onnx, torchscript, torch_export, ...
             */
            source_format: string;
            /**
             * Workload
             * @description what the graph looks like: dense, conv, transformer, ...
             */
            workload: string;
        };
        /** ReportOptimization */
        ReportOptimization: {
            /** Detail */
            detail: string;
            /**
             * Measured In
             * @enum {string|null}
             */
            measured_in: "final runoff" | "paired comparison with the baseline" | null;
            /** Name */
            name: string;
            /** Post Run Ms */
            post_run_ms: number | null;
            /** Pre Run Ms */
            pre_run_ms: number | null;
            /**
             * Shape
             * @description the shape label pre_run_ms and post_run_ms were measured at
             */
            shape: string | null;
            /**
             * Shape Set Speedup
             * @description geometric mean over the shapes this candidate was measured at (the row's figure before report_version 2)
             */
            shape_set_speedup: number | null;
            /**
             * Speedup
             * @description pre_run_ms / post_run_ms, at shape
             */
            speedup: number | null;
            /**
             * Status
             * @description effective only when the package runs this candidate
             * @enum {string}
             */
            status: "effective" | "ineffective" | "failed" | "skipped";
        };
        /**
         * ReportOutputAccuracy
         * @description One output's verdict, judged by its kind (compiler_core/output_kinds.py).
         */
        ReportOutputAccuracy: {
            /**
             * Agreement Bound
             * @description where some decision changed: the agreement's lower bound at agreement_confidence (Wilson), which must reach 0.99 too
             * @default null
             */
            agreement_bound?: number | null;
            /**
             * Agreement Confidence
             * @description the confidence of agreement_bound and object_agreement_bound: 0.8, or 0.95 where the search judged a pass that changed a top-1 row again on more generated rows
             * @default null
             */
            agreement_confidence?: number | null;
            /**
             * Anchors First
             * @description detections in one output: [batch, anchors, columns] rather than [batch, rows, anchors]
             * @default null
             */
            anchors_first?: boolean | null;
            /**
             * Boxes Output
             * @description detections whose boxes are another output (detections@BOXES): that output
             * @default null
             */
            boxes_output?: string | null;
            /** Cosine */
            cosine: number;
            /**
             * Decisions
             * @description how many decisions (rows, steps, decisive elements, detections) the agreement is measured over
             * @default null
             */
            decisions?: number | null;
            /**
             * Detection Agreement
             * @description detections: share of the anchors that detect in either graph (score >= 0.25) that detect in both, same class, boxes at IoU >= 0.5; null when no detection scored above the threshold
             * @default null
             */
            detection_agreement?: number | null;
            /**
             * Detections
             * @description detections: how many anchors of the original detect (score >= 0.27)
             * @default null
             */
            detections?: number | null;
            /**
             * Error
             * @default null
             */
            error?: string | null;
            /**
             * Foreground Iou
             * @description mask: intersection over union of the thresholded foreground (1.0 when the reference has none)
             * @default null
             */
            foreground_iou?: number | null;
            /**
             * Grid
             * @description detections in one output with raw boxes (YOLOX exported without decode_in_inference): each level's [grid height, grid width, stride], in the order of the anchors; the judge decodes a box as (x + column) x stride, (y + row) x stride, exp(w) x stride, exp(h) x stride
             * @default null
             */
            grid?: number[][] | null;
            /**
             * Kind
             * @description absent for outputs that are not numbers
             * @default null
             * @enum {string|null}
             */
            kind?: "class_scores" | "sequence_logits" | "detections" | "mask" | "regression" | "embedding" | "values" | null;
            /**
             * Kind Source
             * @description 'set' when the user named the kind
             * @default null
             * @enum {string|null}
             */
            kind_source?: "set" | null;
            /**
             * Layout
             * @description detections in one output: how its rows were read, e.g. '[batch, anchors, box 0, 1, 2, 3; objectness 4; class scores 5..84]'
             * @default null
             */
            layout?: string | null;
            /**
             * Max Abs Diff
             * @description null when infinite (an output missing or reshaped)
             */
            max_abs_diff: number | null;
            /**
             * Note
             * @default null
             */
            note?: string | null;
            /**
             * Object Agreement
             * @description detections: share of the objects (after NMS in each graph) that both graphs detect, same class, boxes at IoU >= 0.5, of those either detects; null when there are none
             * @default null
             */
            object_agreement?: number | null;
            /**
             * Object Agreement Bound
             * @description where an object changed: object_agreement's lower bound at agreement_confidence (Wilson), which must reach 0.99 too
             * @default null
             */
            object_agreement_bound?: number | null;
            /**
             * Objectness
             * @description detections in one output: the first score row is objectness, and a detection's score is objectness x class score (YOLOv5)
             * @default null
             */
            objectness?: boolean | null;
            /**
             * Objects
             * @description detections: how many objects the original detects after class-wise NMS (IoU 0.5)
             * @default null
             */
            objects?: number | null;
            /**
             * Passes
             * @description whether this output meets the budget in its kind's metrics
             */
            passes: boolean;
            /**
             * Relative Error
             * @description regression: |ref - got| / |ref| (L2)
             * @default null
             */
            relative_error?: number | null;
            /**
             * Score Cosine
             * @description detections: cosine of the scores alone (as probabilities)
             * @default null
             */
            score_cosine?: number | null;
            /**
             * Score Rows
             * @description detections in one output: its score rows [start, stop) along the axis that is not the anchors' (stop -1: to the end); the box is the first 4 others
             * @default null
             */
            score_rows?: number[] | null;
            /**
             * Step Agreement
             * @description sequence_logits: decoded symbols that agree
             * @default null
             */
            step_agreement?: number | null;
            /**
             * Thresholded Agreement
             * @description mask: thresholded values that agree
             * @default null
             */
            thresholded_agreement?: number | null;
            /**
             * Top1 Agreement
             * @default null
             */
            top1_agreement?: number | null;
            /**
             * Top1 Agreement Raw
             * @default null
             */
            top1_agreement_raw?: number | null;
        };
        /** ReportOverall */
        ReportOverall: {
            /** Baseline Ms */
            baseline_ms: number | null;
            /**
             * Chosen
             * @description the candidate the package runs ('original' when nothing beat the baseline)
             */
            chosen: string;
            /** Engine */
            engine: string | null;
            /**
             * Median Speedup
             * @description present when a candidate was measured against the baseline: the same as speedup
             * @default null
             */
            median_speedup?: number | null;
            /** Noise */
            noise: number | null;
            /** Optimized Ms */
            optimized_ms: number | null;
            /** Precision */
            precision: string | null;
            /**
             * Quiet Speedup
             * @description present with median_speedup: the ratio of the 20th percentiles of the blocks
             * @default null
             */
            quiet_speedup?: number | null;
            /**
             * Routes
             * @description shapes answered by another graph than the default
             */
            routes: components["schemas"]["ReportRoute"][];
            /**
             * Shape
             * @description the primary shape's label
             */
            shape: string;
            /** Shape Set */
            shape_set: string[];
            /**
             * Shape Set Speedup
             * @description geometric mean of shapes[].speedup over shape_set
             */
            shape_set_speedup: number | null;
            /** Shipped Original */
            shipped_original: boolean;
            /**
             * Speedup
             * @description the headline: baseline_ms / optimized_ms at shape, the primary shape
             */
            speedup: number | null;
            /**
             * Speedup Is
             * @description how the speed-ups are computed, in words
             */
            speedup_is: string;
        };
        /** ReportRoute */
        ReportRoute: {
            /** Candidate */
            candidate: string;
            /** Over Default */
            over_default: number | null;
            /** Shape */
            shape: string;
            /** Speedup */
            speedup: number | null;
        };
        /** ReportShape */
        ReportShape: {
            /** Baseline Ms */
            baseline_ms: number | null;
            /** Label */
            label: string;
            /** Optimized Ms */
            optimized_ms: number | null;
            /**
             * Served By
             * @description the candidate whose graph answers this shape, or 'original'
             */
            served_by: string;
            /** Shape */
            shape: {
                [key: string]: number;
            };
            /** Speedup */
            speedup: number | null;
        };
        /** ReportTiming */
        ReportTiming: {
            /**
             * Cache Entry Measured At
             * @description unix time of the tuning-cache entry used
             */
            cache_entry_measured_at: number | null;
            /** Cache Hit */
            cache_hit: boolean;
            /** Elapsed S */
            elapsed_s: number | null;
            /**
             * Requested Time Budget S
             * @description the budget the request named, where it was below the model's minimum
             * @default null
             */
            requested_time_budget_s?: number | null;
            /**
             * Time Budget Raised Because
             * @description what the minimum buys: why a smaller requested budget was raised
             * @default null
             */
            time_budget_raised_because?: string | null;
            /**
             * Time Budget S
             * @description the budget the search ran with (after raise_to)
             */
            time_budget_s: number | null;
        };
        /**
         * @description * `member` - Member
         *     * `admin` - Admin
         * @enum {string}
         */
        RoleEnum: "member" | "admin";
        /**
         * Runtime
         * @description runtime.json: the engine a package runs on and exactly how it was measured.
         */
        Runtime: components["schemas"]["OnnxRuntimeRuntime"] | components["schemas"]["OpenVinoRuntime"];
        /**
         * @description * `read` - read
         *     * `register` - register
         *     * `optimize` - optimize
         *     * `deploy` - deploy
         *     * `admin` - admin
         * @enum {string}
         */
        ScopesEnum: "read" | "register" | "optimize" | "deploy" | "admin";
        /**
         * Signature
         * @description A model's inputs (graph inputs that are not weights) and outputs, in the graph's order.
         */
        Signature: {
            /** Inputs */
            inputs: components["schemas"]["TensorSpec"][];
            /** Outputs */
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
        /**
         * Specialization
         * @description A graph for one exact set of input shapes; a call whose inputs have exactly these shapes runs it.
         */
        Specialization: {
            /**
             * Candidate
             * @description a routed shape: the candidate that won at it
             * @default null
             */
            candidate?: string | null;
            /**
             * Input Shapes
             * @description each input's exact shape
             */
            input_shapes: {
                [key: string]: number[];
            };
            /**
             * Model
             * @description the specialized graph's file, in the package folder
             */
            model: string;
            /**
             * Runtime
             * @description a routed shape: that candidate's own engine and settings (else the package's)
             * @default null
             */
            runtime?: (components["schemas"]["OnnxRuntimeSettings"] | components["schemas"]["OpenVinoSettings"]) | null;
            /**
             * Shape
             * @description the shape's label, e.g. batch=4,seq=128
             */
            shape: string;
        };
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
            /** @description Members who may invite and remove plain members (the owner is not listed here). The owner promotes and demotes them with PATCH .../members/<username>/. */
            readonly admins: string[];
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            /** @description Users invited who have not answered yet: not members, they see nothing of the team. DELETE .../members/<username>/ withdraws an invitation. */
            readonly invited: string[];
            /** @description Every member's username, the owner and admins included. */
            readonly members: string[];
            name: string;
            /** @description Who promotes and demotes admins, removes anyone and may hand the team over (POST .../transfer/); null for teams created before owners existed. */
            readonly owner: string | null;
        };
        TeamInvitation: {
            /** Format: date-time */
            readonly created_at: string;
            readonly id: number;
            readonly invited_by: string | null;
            readonly invitee: string;
            /** Format: date-time */
            readonly responded_at: string | null;
            readonly status: components["schemas"]["TeamInvitationStatusEnum"];
            readonly team: number;
            readonly team_name: string;
        };
        /**
         * @description * `pending` - Pending
         *     * `accepted` - Accepted
         *     * `declined` - Declined
         * @enum {string}
         */
        TeamInvitationStatusEnum: "pending" | "accepted" | "declined";
        TeamMemberAdded: {
            /** @description The pending invitation the user must accept before joining; null when staff added them directly. */
            invitation: components["schemas"]["TeamInvitation"] | null;
            team: components["schemas"]["Team"];
        };
        TeamMemberRequest: {
            username: string;
        };
        TeamRequest: {
            name: string;
        };
        /** TensorSpec */
        TensorSpec: {
            /**
             * Dtype
             * @description numpy's name for the element type (float32, int64, bool, ...); ONNX's lower-case name where numpy has none (bfloat16, string)
             */
            dtype: string;
            /**
             * Name
             * @description the graph's name for the tensor; serving's request tensors use it
             */
            name: string;
            /**
             * Shape
             * @description one entry per axis: a size, the name of a dynamic dim, or null for an unnamed dynamic dim; empty for a scalar or an unknown rank
             */
            shape: ((number | string) | null)[];
            /**
             * Type
             * @description absent for a tensor; 'sequence' (a list of tensors, each of dtype and shape) or 'optional' (a tensor that may be left out)
             * @default null
             * @enum {string|null}
             */
            type?: "sequence" | "optional" | null;
        };
        TokenizedInput: {
            /** @description Row-major values. */
            data: number[];
            /** @description The input's V2 datatype (INT64 or INT32). */
            datatype: string;
            name: string;
            shape: number[];
        };
        TokenizedText: {
            /** @description Their ids in the vocabulary. */
            ids: number[];
            /** @description How many of them are the text's (the rest pad it). */
            length: number;
            /** @description Every position's token, padding included. */
            tokens: string[];
            /** @description The text was longer than the sequence and was cut. */
            truncated: boolean;
        };
        /**
         * @description * `fixed` - fixed
         *     * `longest` - longest
         * @enum {string}
         */
        TokenizePaddingEnum: "fixed" | "longest";
        Tokenizer: {
            /** @description The tokenizer model's type: BPE, WordPiece, WordLevel or Unigram. */
            kind: string;
            /** @description The file's name as it was sent. */
            name: string;
            /** @description The token that pads a text to a fixed length (tokenizer.json's own padding, else [PAD], <pad> or the like from its vocabulary). */
            pad_token: string | null;
            sha256: string;
            size_bytes: number;
            /** Format: date-time */
            updated_at: string;
            /** @description Tokens in the vocabulary, added tokens included. */
            vocab_size: number;
        };
        TokenizeRequestRequest: {
            /** @description One text; or send `texts` for a batch. */
            text?: string;
            /** @description Several texts, one row of the batch each. */
            texts?: string[];
        };
        TokenizeResult: {
            /** @description The model's inputs as Open Inference Protocol (V2) tensors, in the signature's order: ready to send as a request's `inputs`. */
            inputs: components["schemas"]["TokenizedInput"][];
            pad_token: string | null;
            /**
             * @description fixed: padded and truncated to the length an input fixes; longest: padded to the longest text.
             *
             *     * `fixed` - fixed
             *     * `longest` - longest
             */
            padding: components["schemas"]["TokenizePaddingEnum"];
            sequence_length: number;
            texts: components["schemas"]["TokenizedText"][];
            tokenizer: components["schemas"]["Tokenizer"];
        };
        TokenizerUploadRequest: {
            /**
             * Format: binary
             * @description A Hugging Face tokenizer.json (what tokenizer.save() writes; a fast tokenizer's file). It replaces any the version had.
             */
            file: string;
        };
        TrafficHistory: {
            /** @description One per minute, oldest first; the last minute is partial. */
            points: components["schemas"]["TrafficPoint"][];
            /**
             * Format: double
             * @description How often the platform samples the engine's counters.
             */
            sample_interval_s: number;
            /** @description Samples taken within the window: two make the first point. */
            samples: number;
            /** @description Seconds per point (a minute). */
            step_s: number;
            window: components["schemas"]["TrafficWindowEnum"];
        };
        TrafficPoint: {
            /**
             * Format: double
             * @description Failed / all calls in the minute; null without calls.
             */
            error_rate: number | null;
            /**
             * Format: double
             * @description From the minute's histogram bucket increases; null without timed calls.
             */
            p50_ms: number | null;
            /** Format: double */
            p99_ms: number | null;
            /** @description Calls counted in the minute; null (as every figure) when no two samples cover it. */
            requests: number | null;
            /** Format: double */
            requests_per_s: number | null;
            /**
             * Format: date-time
             * @description The minute's first instant.
             */
            start: string;
        };
        /**
         * @description * `15m` - 15m
         *     * `1h` - 1h
         *     * `2h` - 2h
         * @enum {string}
         */
        TrafficWindowEnum: "15m" | "1h" | "2h";
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
            /** @description Why the last attempt failed: the HTTP status ("HTTP 500"), a connection failure, or the outbound rule that refused the target. Never what the receiver answered. */
            readonly error: string;
            readonly event: string;
            readonly id: number;
            readonly job: number;
            /**
             * Format: date-time
             * @description When a pending delivery's next attempt is due; null once it is delivered or failed.
             */
            readonly next_attempt_at: string | null;
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
            /**
             * Format: uri
             * @description An http(s) URL on the public internet; loopback, private, link-local and metadata addresses are refused unless the operator allows them.
             */
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
            429: {
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
                    "application/json": components["schemas"]["LoginToken"];
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
            429: {
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
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
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
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    deployments_tokenize_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this deployment. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TokenizeRequestRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenizeResult"];
                };
            };
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
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
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    deployments_traffic_retrieve: {
        parameters: {
            query?: {
                /**
                 * @description How far back the history goes.
                 *
                 *     * `15m` - 15m
                 *     * `1h` - 1h
                 *     * `2h` - 2h
                 */
                window?: "15m" | "1h" | "2h";
            };
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
                    "application/json": components["schemas"]["DeploymentTraffic"];
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
    hardware_list: {
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
                    "application/json": components["schemas"]["HardwareClass"][];
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
    jobs_list: {
        parameters: {
            query?: {
                /** @description Jobs created on this day (YYYY-MM-DD, UTC) or later. */
                created_after?: string;
                /** @description Jobs created on this day (YYYY-MM-DD, UTC) or earlier. */
                created_before?: string;
                device?: string;
                hardware_class?: string;
                /** @description Jobs of this model. */
                model?: number;
                /** @description Which field to use when ordering the results. */
                ordering?: string;
                /** @description The username of whoever started the job (staff see everyone's). */
                owner?: string;
                /** @description A page number within the paginated result set. */
                page?: number;
                /**
                 * @description * `lossless` - Lossless
                 *     * `bf16` - Bf16
                 *     * `int8` - Int8
                 *     * `auto` - Auto
                 */
                recipe?: "auto" | "bf16" | "int8" | "lossless";
                request_group?: string;
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
                 *     * `pytorch-export` - PyTorch exported program (torch.export .pt2)
                 *     * `pytorch` - PyTorch pickle (torch.save; no longer accepted)
                 *     * `tf-savedmodel` - TensorFlow SavedModel
                 *     * `tf-frozen-graph` - TensorFlow frozen graph
                 */
                format?: "onnx" | "pytorch" | "pytorch-export" | "tf-frozen-graph" | "tf-savedmodel" | "torchscript";
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
                    "application/json": components["schemas"]["OptimizationAccepted"];
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
    models_versions_examples_retrieve: {
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
                    "application/json": components["schemas"]["ExampleInputs"];
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
    models_versions_examples_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ExampleInputsUploadRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExampleInputs"];
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
    models_versions_examples_destroy: {
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
    models_versions_tokenize_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["TokenizeRequestRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenizeResult"];
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
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    models_versions_tokenizer_retrieve: {
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
                    "application/json": components["schemas"]["Tokenizer"];
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
    models_versions_tokenizer_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model_id: string;
                number: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["TokenizerUploadRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tokenizer"];
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
    models_versions_tokenizer_destroy: {
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
    team_invitations_list: {
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
                    "application/json": components["schemas"]["PaginatedTeamInvitationList"];
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
    team_invitations_accept_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this team invitation. */
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
                    "application/json": components["schemas"]["TeamInvitation"];
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
    team_invitations_decline_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A unique integer value identifying this team invitation. */
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
                    "application/json": components["schemas"]["TeamInvitation"];
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
    teams_leave_create: {
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
            /** @description No response body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
                    "application/json": components["schemas"]["TeamMemberAdded"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamMemberAdded"];
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
    teams_members_partial_update: {
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
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PatchedTeamMemberRoleRequest"];
                "application/x-www-form-urlencoded": components["schemas"]["PatchedTeamMemberRoleRequest"];
                "multipart/form-data": components["schemas"]["PatchedTeamMemberRoleRequest"];
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
    teams_transfer_create: {
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
