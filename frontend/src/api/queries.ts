// Server state lives in react-query; polling is declared per query (refetchInterval) so no
// component keeps a timer of its own.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, postFormWithProgress, unwrap, type UploadProgress } from "./client";
import type { paths } from "./generated/schema";
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
  speedups: ["analytics", "speedups"] as const,
  // Lists are keyed ["tokens", { page }]; mutations invalidate the prefix, so every page.
  allTokens: ["tokens"] as const,
  tokens: (page: number) => ["tokens", { page }] as const,
  allWebhooks: ["webhooks"] as const,
  webhooks: (page: number) => ["webhooks", { page }] as const,
  webhookDeliveries: (id: number) => ["webhooks", id, "deliveries"] as const,
  model: (id: number) => ["model", id] as const,
  jobs: (page: number) => ["jobs", { page }] as const,
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
      ),
    onSuccess: (job) => {
      queryClient.setQueryData(queryKeys.job(job.id), job);
      void queryClient.invalidateQueries({ queryKey: ["jobs"] });
    },
  });
}

export function useJobs(page: number) {
  return useQuery({
    queryKey: queryKeys.jobs(page),
    queryFn: (): Promise<Paginated<Job>> =>
      unwrap(api.GET("/api/v1/jobs/", { params: { query: { page, ordering: "-created_at" } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.results.some(isJobActive) ? JOB_POLL_MS * 3 : false),
  });
}

export function useJob(id: number) {
  return useQuery({
    queryKey: queryKeys.job(id),
    queryFn: (): Promise<Job> => unwrap(api.GET("/api/v1/jobs/{id}/", { params: { path: { id } } })),
    // Poll only while the worker is still on it; a finished job never changes.
    refetchInterval: (query) => (isJobActive(query.state.data) ? JOB_POLL_MS : false),
    refetchIntervalInBackground: false,
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

export function useSpeedups() {
  return useQuery({
    queryKey: queryKeys.speedups,
    queryFn: () => unwrap(api.GET("/api/v1/analytics/speedups/")),
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
    mutationFn: (request: { name: string; expires_at?: string | null }) =>
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
