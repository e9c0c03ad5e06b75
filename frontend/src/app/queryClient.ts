import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import { queryKeys } from "../api/queries";

function isClientError(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change on retry; a network blip or a 5xx might.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
    // An expired session shows up as a 401 from any call: re-ask who we are, and the
    // route guard sends the user to the login page.
    queryCache: new QueryCache({ onError: (error, query) => expireSessionOn401(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => expireSessionOn401(error, []) }),
  });

  function expireSessionOn401(error: unknown, key: readonly unknown[]) {
    if (error instanceof ApiError && error.status === 401 && key[0] !== queryKeys.session[0]) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    }
  }

  return queryClient;
}
