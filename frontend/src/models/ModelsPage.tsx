import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useModels } from "../api/queries";
import { Pagination } from "../components/Pagination";
import { EmptyState, ErrorState, LoadingState } from "../components/StateViews";
import { ModelsTable } from "./ModelsTable";
import { UploadModelForm } from "./UploadModelForm";
import { PageTitle } from "../components/PageTitle";

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function ModelsPage() {
  const navigate = useNavigate();
  // Search and page live in the URL so a filtered list can be bookmarked and shared.
  const [params, setParams] = useSearchParams();
  const search = params.get("search") ?? "";
  const page = pageFrom(params.get("page"));
  const [draft, setDraft] = useState(search);
  const models = useModels(search, page);

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    setParams(draft.trim() ? { search: draft.trim() } : {});
  }

  return (
    <div className="page models-page">
      <PageTitle title="Models" />
      <h1>Models</h1>
      <div className="two-columns">
        {/* aria-busy while a new search loads: the previous rows stay on screen until then. */}
        <section
          aria-labelledby="models-list-title"
          className="grow"
          aria-busy={models.isFetching}
          data-testid="models-results"
        >
          <h2 id="models-list-title" className="visually-hidden">
            Registered models
          </h2>
          <form role="search" className="search-form" onSubmit={submitSearch}>
            <label htmlFor="model-search">Search models</label>
            <input
              id="model-search"
              type="search"
              value={draft}
              placeholder="Name or description"
              onChange={(event) => setDraft(event.target.value)}
            />
            <button type="submit">Search</button>
          </form>
          {models.isPending ? (
            <LoadingState label="Loading models…" />
          ) : models.isError ? (
            <ErrorState error={models.error} onRetry={() => void models.refetch()} />
          ) : models.data.results.length === 0 ? (
            <EmptyState>
              {search ? (
                <p>No model matches “{search}”.</p>
              ) : (
                <p>No models yet. Register an ONNX model with the form to get started.</p>
              )}
            </EmptyState>
          ) : (
            <>
              <p className="muted" aria-live="polite">
                {models.data.count} model{models.data.count === 1 ? "" : "s"}
                {models.isFetching ? " · refreshing…" : ""}
              </p>
              <ModelsTable models={models.data.results} />
              <Pagination
                page={page}
                hasPrevious={Boolean(models.data.previous)}
                hasNext={Boolean(models.data.next)}
                onPage={(next) => setParams({ ...(search ? { search } : {}), page: String(next) })}
              />
            </>
          )}
        </section>
        <aside className="side">
          <UploadModelForm onUploaded={(model) => navigate(`/models/${model.id}`)} />
        </aside>
      </div>
    </div>
  );
}
