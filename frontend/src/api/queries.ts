// Server state lives in react-query; polling is declared per query (refetchInterval) so no
// component keeps a timer of its own.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "./client";
import type {
  Deployment,
  DeploymentRequest,
  Job,
  Model,
  ModelDetail,
  ModelUploadRequest,
  OptimizationRequest,
  Paginated,
  User,
} from "./types";

export const JOB_POLL_MS = 1000;
export const DEPLOYMENT_POLL_MS = 1500;
export const INSPECTION_POLL_MS = 2000;

export const queryKeys = {
  session: ["session"] as const,
  models: (search: string, page: number) => ["models", { search, page }] as const,
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

export function useModels(search: string, page: number) {
  return useQuery({
    queryKey: queryKeys.models(search, page),
    queryFn: (): Promise<Paginated<Model>> =>
      unwrap(api.GET("/api/v1/models/", { params: { query: { search: search || undefined, page } } })),
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

export type ModelUpload = { file: File; name: string; description: string };

export function useUploadModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, name, description }: ModelUpload): Promise<Model> => {
      const form = new FormData();
      form.append("file", file);
      form.append("name", name);
      form.append("description", description);
      return unwrap(
        api.POST("/api/v1/models/", {
          // The generated type says "string" for a binary field; the wire format is multipart.
          body: form as unknown as ModelUploadRequest,
          bodySerializer: (body) => body as unknown as FormData,
        }),
      );
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["models"] }),
  });
}

export function useStartOptimization(modelId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: OptimizationRequest): Promise<Job> =>
      unwrap(
        api.POST("/api/v1/models/{model_id}/optimizations/", {
          params: { path: { model_id: modelId } },
          body: request,
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
