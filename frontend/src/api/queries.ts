// Server state lives in react-query; polling is declared per query (refetchInterval) so no
// component keeps a timer of its own.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, postFormWithProgress, unwrap, type UploadProgress } from "./client";
import type { components, paths } from "./generated/schema";
import { MULTIPART_THRESHOLD, uploadThroughObjectStorage } from "./multipartUpload";
import type {
  Deployment,
  DeploymentRequest,
  Job,
  KServeManifest,
  Model,
  ModelDetail,
  OptimizationRequest,
  Paginated,
  TritonExport,
  TritonExportRequest,
  User,
} from "./types";

export const JOB_POLL_MS = 1000;
export const DEPLOYMENT_POLL_MS = 1500;
export const INSPECTION_POLL_MS = 2000;

export const queryKeys = {
  session: ["session"] as const,
  models: (filters: ModelFilters) => ["models", filters] as const,
  versions: (modelId: number) => ["model", modelId, "versions"] as const,
  version: (modelId: number, number: number) => ["model", modelId, "versions", number] as const,
  modelJobs: (modelId: number) => ["jobs", { model: modelId }] as const,
  modelDeployments: (modelId: number) => ["deployments", { model: modelId }] as const,
  deploymentHealth: (id: number) => ["deployment", id, "health"] as const,
  deploymentTraffic: (id: number) => ["deployment", id, "traffic"] as const,
  succeededJobs: (modelId: number) => ["jobs", { model: modelId, status: "succeeded" }] as const,
  speedups: ["analytics", "speedups"] as const,
  hardware: ["hardware"] as const,
  // Lists are keyed ["tokens", { page }]; mutations invalidate the prefix, so every page.
  allTokens: ["tokens"] as const,
  tokens: (page: number) => ["tokens", { page }] as const,
  allWebhooks: ["webhooks"] as const,
  webhooks: (page: number) => ["webhooks", { page }] as const,
  webhookDeliveries: (id: number) => ["webhooks", id, "deliveries"] as const,
  allTeams: ["teams"] as const,
  teams: (page: number) => ["teams", { page }] as const,
  teamInvitations: ["team-invitations"] as const,
  model: (id: number) => ["model", id] as const,
  jobs: (filters: JobFilters) => ["jobs", filters] as const,
  job: (id: number) => ["job", id] as const,
  deployments: (page: number) => ["deployments", { page }] as const,
  deployment: (id: number) => ["deployment", id] as const,
};

export function isJobActive(job: Pick<Job, "status"> | undefined): boolean {
  return job?.status === "queued" || job?.status === "running";
}

export function isDeploymentSettling(deployment: Pick<Deployment, "status"> | undefined): boolean {
  const status = deployment?.status;
  return status === "pending" || status === "loading" || status === "updating" || status === "stopping";
}

/** The logged-in user, or null when the session is anonymous (the API answers 401). */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: async (): Promise<User | null> => {
      try {
        return await unwrap(api.GET("/api/v1/auth/session/"));
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { username: string; password: string }) =>
      unwrap(api.POST("/api/v1/auth/session/", { body: credentials })),
    onSuccess: (user) => queryClient.setQueryData(queryKeys.session, user),
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/auth/session/")),
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.session, null);
    },
  });
}

/** What the models list is narrowed and ordered by; every field lives in the page URL. */
export type ModelFilters = {
  search: string;
  page: number;
  ordering: string;
  framework: string;
  format: string;
  source: string;
  visibility: string;
  owner: string;
  tag: string;
};

type ModelListQuery = NonNullable<paths["/api/v1/models/"]["get"]["parameters"]["query"]>;

export function useModels(filters: ModelFilters) {
  return useQuery({
    queryKey: queryKeys.models(filters),
    queryFn: (): Promise<Paginated<Model>> =>
      unwrap(
        api.GET("/api/v1/models/", {
          params: {
            query: {
              search: filters.search || undefined,
              page: filters.page,
              ordering: filters.ordering || undefined,
              framework: filters.framework || undefined,
              format: (filters.format || undefined) as ModelListQuery["format"],
              source: (filters.source || undefined) as ModelListQuery["source"],
              visibility: (filters.visibility || undefined) as ModelListQuery["visibility"],
              owner: filters.owner || undefined,
              tag: filters.tag || undefined,
            },
          },
        }),
      ),
    // Keeps the table on screen while the next search result loads.
    placeholderData: keepPreviousData,
  });
}

/** A version stays "pending"/"inspecting" while a worker reads its signature and statistics. */
export function isModelInspecting(model: { latest_version: { status?: string } | null } | undefined): boolean {
  const status = model?.latest_version?.status;
  return status === "pending" || status === "inspecting";
}

export function useModel(id: number) {
  return useQuery({
    queryKey: queryKeys.model(id),
    queryFn: (): Promise<ModelDetail> => unwrap(api.GET("/api/v1/models/{id}/", { params: { path: { id } } })),
    refetchInterval: (query) => (isModelInspecting(query.state.data) ? INSPECTION_POLL_MS : false),
  });
}

export type ModelUpload = {
  file: File;
  name: string;
  description: string;
  tags: string[];
  card: string;
  onProgress?: (progress: UploadProgress) => void;
};

export function useUploadModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ file, name, description, tags, card, onProgress }: ModelUpload): Promise<ModelDetail> => {
      const report = onProgress ?? (() => undefined);
      if (file.size >= MULTIPART_THRESHOLD) {
        const registered = await uploadThroughObjectStorage({ file, name, description, tags, card, onProgress: report });
        if (registered) return registered;
        // null: this server keeps objects locally; the file goes to the API directly.
      }
      const form = new FormData();
      form.append("file", file);
      form.append("name", name);
      form.append("description", description);
      if (card) form.append("card", card);
      for (const tag of tags) form.append("tags", tag);
      return postFormWithProgress<ModelDetail>("/api/v1/models/", form, report);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["models"] }),
  });
}

export type OptimizationStart = OptimizationRequest & { calibrationFiles?: File[] };

function optimizationForm(request: OptimizationRequest, calibrationFiles: File[]): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(request)) {
    if (value !== undefined && value !== null && key !== "calibration") form.append(key, String(value));
  }
  for (const file of calibrationFiles) form.append("calibration", file, file.name);
  return form;
}

export function useStartOptimization(modelId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ calibrationFiles = [], ...request }: OptimizationStart): Promise<Job> =>
      unwrap(
        api.POST("/api/v1/models/{model_id}/optimizations/", {
          params: { path: { model_id: modelId } },
          body: request,
          // Calibration files travel as multipart; the fields beside them as form values.
          ...(calibrationFiles.length > 0 ? { bodySerializer: () => optimizationForm(request, calibrationFiles) } : {}),
        }),
        // Only hardware_class "all" answers several jobs; the console asks for one class (or the default).
      ).then((answer) => ("jobs" in answer ? answer.jobs[0]! : answer)),
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
  });
}

/** The jobs list's filters, as the Jobs page keeps them in its URL ("" for none). */
export type JobFilters = {
  page: number;
  status: string;
  recipe: string;
  model: string;
  owner: string;
  createdAfter: string;
  createdBefore: string;
};

type JobListQuery = NonNullable<paths["/api/v1/jobs/"]["get"]["parameters"]["query"]>;

export function useJobs(filters: JobFilters) {
  return useQuery({
    queryKey: queryKeys.jobs(filters),
    queryFn: (): Promise<Paginated<Job>> =>
      unwrap(
        api.GET("/api/v1/jobs/", {
          params: {
            query: {
              page: filters.page,
              ordering: "-created_at",
              status: (filters.status || undefined) as JobListQuery["status"],
              recipe: (filters.recipe || undefined) as JobListQuery["recipe"],
              model: filters.model ? Number(filters.model) : undefined,
              owner: filters.owner || undefined,
              created_after: filters.createdAfter || undefined,
              created_before: filters.createdBefore || undefined,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.results.some(isJobActive) ? JOB_POLL_MS * 3 : false),
  });
}

export function useJob(id: number, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    enabled,
    queryKey: queryKeys.job(id),
    queryFn: (): Promise<Job> => unwrap(api.GET("/api/v1/jobs/{id}/", { params: { path: { id } } })),
    // Poll only while the worker is still on it; a finished job never changes.
    refetchInterval: (query) => (isJobActive(query.state.data) ? JOB_POLL_MS : false),
    refetchIntervalInBackground: false,
  });
}

/** Several jobs at once (the compare page), each its own cached query, polled while it runs. */
export function useJobsById(ids: number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: queryKeys.job(id),
      queryFn: (): Promise<Job> => unwrap(api.GET("/api/v1/jobs/{id}/", { params: { path: { id } } })),
      refetchInterval: (query: { state: { data?: Job } }) => (isJobActive(query.state.data) ? JOB_POLL_MS * 3 : false),
    })),
  });
}

export function useCancelJob(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/jobs/{id}/cancel/", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.job(id) }),
  });
}

/** Writes the package as a Triton model repository under its prefix in object storage. */
export function useTritonExport(id: number) {
  return useMutation({
    mutationFn: (request: TritonExportRequest): Promise<TritonExport> =>
      unwrap(api.POST("/api/v1/jobs/{id}/exports/triton/", { params: { path: { id } }, body: request })),
  });
}

/** Fetched when asked for: the manifest names a storage address the server may refuse to give (no S3). */
export function useKServeManifest(id: number) {
  return useMutation({
    mutationFn: (name: string): Promise<KServeManifest> =>
      unwrap(
        api.GET("/api/v1/jobs/{id}/exports/kserve/", {
          params: { path: { id }, query: name ? { name } : {} },
        }),
      ) as Promise<KServeManifest>,
  });
}

export function useDeploy() {
  const queryClient = useQueryClient();
  return useMutation({
    // The answer carries the endpoint's access token (when one was asked for), and only this once.
    mutationFn: (request: DeploymentRequest): Promise<Deployment> =>
      unwrap(api.POST("/api/v1/deployments/", { body: request })),
    onSuccess: (deployment) => {
      queryClient.setQueryData(queryKeys.deployment(deployment.id), deployment);
      void queryClient.invalidateQueries({ queryKey: ["deployments"] });
    },
  });
}

export function useDeployments(page: number) {
  return useQuery({
    queryKey: queryKeys.deployments(page),
    queryFn: (): Promise<Paginated<Deployment>> =>
      unwrap(api.GET("/api/v1/deployments/", { params: { query: { page, ordering: "-created_at" } } })),
    placeholderData: keepPreviousData,
  });
}

export function useDeployment(id: number) {
  return useQuery({
    queryKey: queryKeys.deployment(id),
    queryFn: (): Promise<Deployment> =>
      unwrap(api.GET("/api/v1/deployments/{id}/", { params: { path: { id } } })),
    refetchInterval: (query) => (isDeploymentSettling(query.state.data) ? DEPLOYMENT_POLL_MS : false),
  });
}

export function useStopDeployment(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/deployments/{id}/", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.deployment(id) }),
  });
}

export function useModelVersions(modelId: number) {
  return useQuery({
    queryKey: queryKeys.versions(modelId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/models/{model_id}/versions/", { params: { path: { model_id: String(modelId) } } })),
  });
}

/** One recommendation of `compiler_core inspect`: whether a recipe helps this model here, and why. */
export type Recommendation = { recipe: string; helps: boolean; why: string };

export function recommendationsOf(inspection: unknown): Recommendation[] {
  const list = (inspection as { recommendations?: unknown } | null)?.recommendations;
  if (!Array.isArray(list)) return [];
  return list
    .filter((item): item is Record<string, unknown> => Boolean(item) && typeof item === "object")
    .map((item) => ({ recipe: String(item.recipe ?? ""), helps: Boolean(item.helps), why: String(item.why ?? "") }))
    .filter((item) => item.recipe);
}

export function useModelVersion(modelId: number, number: number | undefined) {
  return useQuery({
    queryKey: queryKeys.version(modelId, number ?? 0),
    enabled: number !== undefined,
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/models/{model_id}/versions/{number}/", {
          params: { path: { model_id: String(modelId), number: String(number) } },
        }),
      ),
  });
}

// A model's newest page of jobs and deployments, filtered by the API (`?model=`).
export function useModelJobs(modelId: number) {
  return useQuery({
    queryKey: queryKeys.modelJobs(modelId),
    queryFn: async (): Promise<Job[]> => {
      const page = await unwrap(
        api.GET("/api/v1/jobs/", { params: { query: { model: modelId, ordering: "-created_at" } } }),
      );
      return page.results;
    },
    refetchInterval: (query) => (query.state.data?.some(isJobActive) ? JOB_POLL_MS * 3 : false),
  });
}

export function useModelDeployments(modelId: number) {
  return useQuery({
    queryKey: queryKeys.modelDeployments(modelId),
    queryFn: async (): Promise<Deployment[]> => {
      const page = await unwrap(
        api.GET("/api/v1/deployments/", { params: { query: { model: modelId, ordering: "-created_at" } } }),
      );
      return page.results;
    },
  });
}

export type ModelUriRegistration = { uri: string; name: string; description: string; tags: string[]; card: string };

export function useRegisterModelUri() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: ModelUriRegistration) =>
      unwrap(
        api.POST("/api/v1/models/", {
          body: { uri: request.uri, name: request.name, description: request.description, tags: request.tags, card: request.card },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["models"] }),
  });
}

export function useRedeploy(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { job: number; max_batch_size?: number; max_batch_time?: number }) =>
      unwrap(api.POST("/api/v1/deployments/{id}/redeploy/", { params: { path: { id } }, body: request })),
    onSuccess: (deployment) => queryClient.setQueryData(queryKeys.deployment(id), deployment),
  });
}

export function useDeploymentHealth(id: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.deploymentHealth(id),
    enabled,
    queryFn: () => unwrap(api.GET("/api/v1/deployments/{id}/health/", { params: { path: { id } } })),
    refetchInterval: 10_000,
  });
}

export const TRAFFIC_POLL_MS = 10_000;

/** What the engine has counted for a deployment's model, and the last hour per minute; polled. */
export function useDeploymentTraffic(id: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.deploymentTraffic(id),
    enabled,
    queryFn: () =>
      unwrap(api.GET("/api/v1/deployments/{id}/traffic/", { params: { path: { id }, query: { window: "1h" } } })),
    refetchInterval: TRAFFIC_POLL_MS,
  });
}

/** A model's succeeded jobs, newest first: what a deployment can be moved to. */
export function useSucceededJobs(modelId: number) {
  return useQuery({
    queryKey: queryKeys.succeededJobs(modelId),
    queryFn: async (): Promise<Job[]> => {
      const page = await unwrap(
        api.GET("/api/v1/jobs/", { params: { query: { model: modelId, status: "succeeded", ordering: "-created_at" } } }),
      );
      return page.results;
    },
  });
}

export function useSpeedups() {
  return useQuery({
    queryKey: queryKeys.speedups,
    queryFn: () => unwrap(api.GET("/api/v1/analytics/speedups/")),
  });
}

export function useHardware() {
  return useQuery({
    queryKey: queryKeys.hardware,
    queryFn: () => unwrap(api.GET("/api/v1/hardware/")),
    // Workers come and go; the page follows them.
    refetchInterval: 10_000,
  });
}

export function useTokens(page: number) {
  return useQuery({
    queryKey: queryKeys.tokens(page),
    queryFn: () => unwrap(api.GET("/api/v1/auth/tokens/", { params: { query: { page } } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: components["schemas"]["PersonalTokenCreateRequest"]) =>
      unwrap(api.POST("/api/v1/auth/tokens/", { body: request })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.allTokens }),
  });
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/v1/auth/tokens/{id}/", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.allTokens }),
  });
}

export function useWebhooks(page: number) {
  return useQuery({
    queryKey: queryKeys.webhooks(page),
    queryFn: () => unwrap(api.GET("/api/v1/webhooks/", { params: { query: { page } } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: { url: string }) => unwrap(api.POST("/api/v1/webhooks/", { body: request })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.allWebhooks }),
  });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE("/api/v1/webhooks/{id}/", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.allWebhooks }),
  });
}

export function useWebhookDeliveries(id: number, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.webhookDeliveries(id),
    enabled,
    queryFn: () => unwrap(api.GET("/api/v1/webhooks/{id}/deliveries/", { params: { path: { id } } })),
  });
}

/** Example inputs of a model version: PUT replaces the set, DELETE removes it. */
export function useReplaceExampleInputs(modelId: number, number: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (files: File[]) =>
      unwrap(
        api.PUT("/api/v1/models/{model_id}/versions/{number}/examples/", {
          params: { path: { model_id: String(modelId), number: String(number) } },
          body: { files: files.map((file) => file.name) },
          bodySerializer: () => {
            const form = new FormData();
            for (const file of files) form.append("files", file, file.name);
            return form;
          },
        }),
      ),
    onSuccess: () => invalidateVersion(queryClient, modelId),
  });
}

export function useRemoveExampleInputs(modelId: number, number: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/api/v1/models/{model_id}/versions/{number}/examples/", {
          params: { path: { model_id: String(modelId), number: String(number) } },
        }),
      ),
    onSuccess: () => invalidateVersion(queryClient, modelId),
  });
}

/** A model version's tokenizer.json: PUT attaches (or replaces) it, DELETE removes it. */
export function useAttachTokenizer(modelId: number, number: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      unwrap(
        api.PUT("/api/v1/models/{model_id}/versions/{number}/tokenizer/", {
          params: { path: { model_id: String(modelId), number: String(number) } },
          body: { file: file.name },
          bodySerializer: () => {
            const form = new FormData();
            form.append("file", file, file.name);
            return form;
          },
        }),
      ),
    onSuccess: () => invalidateVersion(queryClient, modelId),
  });
}

export function useRemoveTokenizer(modelId: number, number: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE("/api/v1/models/{model_id}/versions/{number}/tokenizer/", {
          params: { path: { model_id: String(modelId), number: String(number) } },
        }),
      ),
    onSuccess: () => invalidateVersion(queryClient, modelId),
  });
}

/** `text` tokenized into the deployed model's inputs by its version's tokenizer (none while `text` is empty). */
export function useDeploymentTokenize(deploymentId: number, text: string) {
  return useQuery({
    queryKey: ["tokenize", { deployment: deploymentId }, text] as const,
    enabled: text.trim() !== "",
    queryFn: () =>
      unwrap(api.POST("/api/v1/deployments/{id}/tokenize/", { params: { path: { id: deploymentId } }, body: { text } })),
    staleTime: Infinity,
    retry: false,
  });
}

// The model's key is a prefix of its versions' keys: the model, its version list and this version are refetched.
function invalidateVersion(queryClient: ReturnType<typeof useQueryClient>, modelId: number) {
  return queryClient.invalidateQueries({ queryKey: queryKeys.model(modelId) });
}

export type ModelChanges = components["schemas"]["PatchedModelUpdateRequest"];

/** PATCH a model's name, description, card, tags, visibility or team; the answer replaces the cached model. */
export function useUpdateModel(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: ModelChanges): Promise<ModelDetail> =>
      unwrap(api.PATCH("/api/v1/models/{id}/", { params: { path: { id } }, body: changes })),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.model(id), updated);
      void queryClient.invalidateQueries({ queryKey: ["models"] });
    },
  });
}

/** DELETE a model: the API hides it at once and purges its versions, jobs' packages and files in the background. */
export function useDeleteModel(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/v1/models/{id}/", { params: { path: { id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: queryKeys.model(id) });
      void queryClient.invalidateQueries({ queryKey: ["models"] });
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
  });
}

export type Team = components["schemas"]["Team"];
export type TeamInvitation = components["schemas"]["TeamInvitation"];

export function useTeams(page = 1) {
  return useQuery({
    queryKey: queryKeys.teams(page),
    queryFn: () => unwrap(api.GET("/api/v1/teams/", { params: { query: { page } } })),
    placeholderData: keepPreviousData,
  });
}

export function useTeamInvitations() {
  return useQuery({
    queryKey: queryKeys.teamInvitations,
    queryFn: () => unwrap(api.GET("/api/v1/team-invitations/")),
  });
}

// Every team mutation changes who is in which team: the teams and the invitations are refetched.
function invalidateTeams(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.allTeams });
  return queryClient.invalidateQueries({ queryKey: queryKeys.teamInvitations });
}

export function useCreateTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST("/api/v1/teams/", { body: { name } })),
    onSuccess: () => invalidateTeams(queryClient),
  });
}

/** Invites a user; they join only when they accept (staff add directly: the answer's invitation is null). */
export function useInviteMember(teamId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) =>
      unwrap(api.POST("/api/v1/teams/{id}/members/", { params: { path: { id: teamId } }, body: { username } })),
    onSuccess: () => invalidateTeams(queryClient),
  });
}

/** Removes a member, or withdraws a pending invitation of that user. */
export function useRemoveMember(teamId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) =>
      unwrap(api.DELETE("/api/v1/teams/{id}/members/{username}/", { params: { path: { id: teamId, username } } })),
    onSettled: () => invalidateTeams(queryClient),
  });
}

/** Promotes a member to admin or demotes an admin: the team's owner (or staff) only. */
export function useSetMemberRole(teamId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ username, role }: { username: string; role: "admin" | "member" }) =>
      unwrap(
        api.PATCH("/api/v1/teams/{id}/members/{username}/", {
          params: { path: { id: teamId, username } },
          body: { role },
        }),
      ),
    onSettled: () => invalidateTeams(queryClient),
  });
}

/** Hands the team to another member; the previous owner stays as an admin. */
export function useTransferTeam(teamId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (username: string) =>
      unwrap(api.POST("/api/v1/teams/{id}/transfer/", { params: { path: { id: teamId } }, body: { username } })),
    onSettled: () => invalidateTeams(queryClient),
  });
}

export function useLeaveTeam(teamId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/teams/{id}/leave/", { params: { path: { id: teamId } } })),
    onSettled: () => invalidateTeams(queryClient),
  });
}

export function useRespondToInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, accept }: { id: number; accept: boolean }) =>
      accept
        ? unwrap(api.POST("/api/v1/team-invitations/{id}/accept/", { params: { path: { id } } }))
        : unwrap(api.POST("/api/v1/team-invitations/{id}/decline/", { params: { path: { id } } })),
    onSuccess: () => invalidateTeams(queryClient),
  });
}
