import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useModels, useSession, type ModelFilters } from "../api/queries";
import { PagedQueryView } from "../components/PagedQueryView";
import { ModelsTable } from "./ModelsTable";
import { UploadModelForm } from "./UploadModelForm";
import { PageTitle } from "../components/PageTitle";

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

const FILTER_KEYS = ["framework", "format", "source", "visibility", "owner", "tag"] as const;

/** The list's whole state lives in the URL, so a filtered, sorted page can be bookmarked and shared. */
export function filtersFromParams(params: URLSearchParams): ModelFilters {
  return {
    search: params.get("search") ?? "",
    page: pageFrom(params.get("page")),
    ordering: params.get("ordering") ?? "",
    framework: params.get("framework") ?? "",
    format: params.get("format") ?? "",
    source: params.get("source") ?? "",
    visibility: params.get("visibility") ?? "",
    owner: params.get("owner") ?? "",
    tag: params.get("tag") ?? "",
  };
}

export function paramsFromFilters(filters: ModelFilters): Record<string, string> {
  const result: Record<string, string> = {};
  if (filters.search) result.search = filters.search;
  if (filters.ordering) result.ordering = filters.ordering;
  for (const key of FILTER_KEYS) if (filters[key]) result[key] = filters[key];
  if (filters.page > 1) result.page = String(filters.page);
  return result;
}

function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">Any</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ModelsPage() {
  const navigate = useNavigate();
  const session = useSession();
  const me = session.data?.username;
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [draft, setDraft] = useState(filters.search);
  const [ownerDraft, setOwnerDraft] = useState(filters.owner);
  const [tagDraft, setTagDraft] = useState(filters.tag);
  const models = useModels(filters);

  // Any change of filter or order starts again at page 1.
  function update(change: Partial<ModelFilters>) {
    setParams(paramsFromFilters({ ...filters, page: 1, ...change }));
  }

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    update({ search: draft.trim(), owner: ownerDraft.trim(), tag: tagDraft.trim() });
  }

  // "Source" is PAI's mine / team / official; mine is the owner filter, the others visibility.
  const sourceValue =
    filters.visibility === "official" ? "official" : filters.visibility === "team" ? "team" : me && filters.owner === me ? "mine" : "";
  function setSource(value: string) {
    setOwnerDraft(value === "mine" && me ? me : "");
    if (value === "mine") update({ owner: me ?? "", visibility: "" });
    else update({ visibility: value, owner: "" });
  }
  const filtered = FILTER_KEYS.some((key) => filters[key]) || Boolean(filters.search);

  return (
    <div className="page models-page">
      <PageTitle title="Models" />
      <h1>Models</h1>
      <div className="two-columns">
        {/* aria-busy while a new search loads: the previous rows stay on screen until then.
            data-search names the search this render is for: the address bar changes a moment
            before React renders the new search, when aria-busy still tells of the old one. */}
        <section
          aria-labelledby="models-list-title"
          className="grow"
          aria-busy={models.isFetching}
          data-search={params.toString()}
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
              placeholder="Name, description or tag (fuzzy)"
              onChange={(event) => setDraft(event.target.value)}
            />
            <button type="submit">Search</button>
          </form>
          <form className="filters" aria-label="Filters" onSubmit={submitSearch} data-testid="model-filters">
            <FilterSelect
              id="filter-framework"
              label="Framework"
              value={filters.framework}
              options={[
                ["onnx", "ONNX"],
                ["pytorch", "PyTorch"],
                ["tensorflow", "TensorFlow"],
              ]}
              onChange={(framework) => update({ framework })}
            />
            <FilterSelect
              id="filter-format"
              label="Format"
              value={filters.format}
              options={[
                ["onnx", "ONNX"],
                ["torchscript", "TorchScript"],
                ["pytorch", "PyTorch file"],
                ["tf-savedmodel", "TF SavedModel"],
                ["tf-frozen-graph", "TF frozen graph"],
              ]}
              onChange={(format) => update({ format })}
            />
            <FilterSelect
              id="filter-source"
              label="Source"
              value={sourceValue}
              options={[
                ["mine", "Mine"],
                ["team", "Team"],
                ["official", "Official"],
              ]}
              onChange={setSource}
            />
            <FilterSelect
              id="filter-origin"
              label="Origin"
              value={filters.source}
              options={[
                ["upload", "Uploaded"],
                ["uri", "Object-store URI"],
                ["optimized", "Optimized package"],
                ["official", "Official example"],
              ]}
              onChange={(source) => update({ source })}
            />
            <div className="filter">
              <label htmlFor="filter-owner">Owner</label>
              <input
                id="filter-owner"
                value={ownerDraft}
                onChange={(event) => setOwnerDraft(event.target.value)}
                onBlur={() => ownerDraft.trim() !== filters.owner && update({ owner: ownerDraft.trim() })}
              />
            </div>
            <div className="filter">
              <label htmlFor="filter-tag">Tag</label>
              <input
                id="filter-tag"
                value={tagDraft}
                onChange={(event) => setTagDraft(event.target.value)}
                onBlur={() => tagDraft.trim() !== filters.tag && update({ tag: tagDraft.trim() })}
              />
            </div>
            <button type="submit" className="visually-hidden" tabIndex={-1}>
              Apply filters
            </button>
            {filtered && (
              <button
                type="button"
                onClick={() => {
                  setDraft("");
                  setOwnerDraft("");
                  setTagDraft("");
                  setParams(filters.ordering ? { ordering: filters.ordering } : {});
                }}
              >
                Clear filters
              </button>
            )}
          </form>
          <PagedQueryView
            query={models}
            page={filters.page}
            onPage={(next) => setParams(paramsFromFilters({ ...filters, page: next }))}
            loadingLabel="Loading models…"
            empty={
              filtered ? (
                <p>No model matches {filters.search ? `“${filters.search}” and ` : ""}these filters.</p>
              ) : (
                <p>No models yet. Register an ONNX model with the form to get started.</p>
              )
            }
          >
            {(results, { count }) => (
              <>
                <p className="muted" aria-live="polite" data-testid="models-count">
                  {count} model{count === 1 ? "" : "s"}
                  {models.isFetching ? " · refreshing…" : ""}
                </p>
                <ModelsTable
                  models={results}
                  me={me}
                  ordering={filters.ordering}
                  onSort={(ordering) => update({ ordering })}
                />
              </>
            )}
          </PagedQueryView>
        </section>
        <aside className="side">
          <UploadModelForm onUploaded={(model) => navigate(`/models/${model.id}`)} />
        </aside>
      </div>
    </div>
  );
}
