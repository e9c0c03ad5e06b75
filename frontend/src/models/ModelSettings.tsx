import { lazy, Suspense, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useDeleteModel, useSession, useTeams, useUpdateModel, type ModelChanges } from "../api/queries";
import type { ModelDetail } from "../api/types";
import { FieldErrors, FormError, fieldHasError } from "../components/FormErrors";
import { LoadingState } from "../components/StateViews";
import {
  draftOfPreprocessing,
  parsePreprocessing,
  PreprocessingEditor,
  samePreprocessing,
  type PreprocessingDraft,
} from "./PreprocessingEditor";
import { LabelsEditor, sameLabels } from "./LabelsEditor";

// marked + DOMPurify load only when the preview is opened.
const Markdown = lazy(() => import("../components/Markdown").then((module) => ({ default: module.Markdown })));

type Visibility = NonNullable<ModelChanges["visibility"]>;

/** "a, b ,, c" -> ["a", "b", "c"]: the API cleans tags too, but an empty one would be a 400. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((tag) => tag.trim()).filter(Boolean))];
}

type Draft = {
  name: string;
  description: string;
  tags: string;
  visibility: Visibility;
  team: string;
  card: string;
  preprocessing: PreprocessingDraft;
  labels: string[] | null;
};

function draftOf(model: ModelDetail): Draft {
  return {
    name: model.name,
    description: model.description ?? "",
    tags: model.tags.join(", "),
    visibility: (model.visibility ?? "private") as Visibility,
    team: model.team != null ? String(model.team) : "",
    card: model.card ?? "",
    preprocessing: draftOfPreprocessing(model.preprocessing),
    labels: model.labels ?? null,
  };
}

/** Only what the user changed goes in the PATCH, so a concurrent edit of another field is not overwritten. */
export function changesBetween(model: ModelDetail, draft: Draft): ModelChanges {
  const before = draftOf(model);
  const changes: ModelChanges = {};
  if (draft.name.trim() !== before.name) changes.name = draft.name.trim();
  if (draft.description !== before.description) changes.description = draft.description;
  if (draft.card !== before.card) changes.card = draft.card;
  const tags = parseTags(draft.tags);
  if (tags.join("\u0000") !== model.tags.join("\u0000")) changes.tags = tags;
  if (draft.visibility !== before.visibility || (draft.visibility === "team" && draft.team !== before.team)) {
    changes.visibility = draft.visibility;
    // The API keeps a team only for team visibility; it needs one there.
    changes.team = draft.visibility === "team" && draft.team ? Number(draft.team) : null;
  }
  const preprocessing = parsePreprocessing(draft.preprocessing);
  if (preprocessing.ok && !samePreprocessing(preprocessing.value, model.preprocessing)) {
    changes.preprocessing = preprocessing.value;
  }
  if (!sameLabels(draft.labels, model.labels)) changes.labels = draft.labels;
  return changes;
}

function TeamPicker({ value, onChange, error }: { value: string; onChange: (team: string) => void; error: unknown }) {
  const teams = useTeams();
  const options = teams.data?.results ?? [];
  return (
    <>
      <label htmlFor="model-team">Team</label>
      <select
        id="model-team"
        value={value}
        required
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={fieldHasError(error, "team")}
        aria-describedby="model-team-errors model-team-help"
      >
        <option value="">{teams.isPending ? "Loading your teams…" : "Choose a team"}</option>
        {options.map((team) => (
          <option key={team.id} value={String(team.id)}>
            {team.name}
          </option>
        ))}
      </select>
      {teams.isSuccess && options.length === 0 && (
        <p className="muted small" id="model-team-help">
          You belong to no team yet: create one on the Teams page.
        </p>
      )}
      <FieldErrors id="model-team-errors" error={error} field="team" />
    </>
  );
}

export function EditModelForm({ model, onDone }: { model: ModelDetail; onDone: () => void }) {
  const session = useSession();
  const update = useUpdateModel(model.id);
  const [draft, setDraft] = useState<Draft>(() => draftOf(model));
  const [preview, setPreview] = useState(false);
  const set = (field: Exclude<keyof Draft, "preprocessing" | "labels">) => (value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));
  const changes = changesBetween(model, draft);
  // Settings that do not read as numbers are shown beside their fields and hold the save back.
  const preprocessingReadable = parsePreprocessing(draft.preprocessing).ok;
  const unchanged = Object.keys(changes).length === 0;
  // Only staff may publish official models; an official model stays selectable for whoever edits it.
  const canOfficial = Boolean(session.data?.is_staff) || model.visibility === "official";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!preprocessingReadable) return;
    if (unchanged) return onDone();
    update.mutate(changes, { onSuccess: onDone });
  }

  return (
    <form className="card edit-model" onSubmit={submit} aria-labelledby="edit-model-title" data-testid="edit-model-form">
      <h2 id="edit-model-title">Edit model</h2>
      <FormError
        error={update.error}
        shownFields={["name", "description", "tags", "visibility", "team", "card", "preprocessing", "labels"]}
      />
      <label htmlFor="model-name-input">Name</label>
      <input
        id="model-name-input"
        required
        maxLength={200}
        value={draft.name}
        onChange={(event) => set("name")(event.target.value)}
        aria-invalid={fieldHasError(update.error, "name")}
        aria-describedby="model-name-errors"
      />
      <FieldErrors id="model-name-errors" error={update.error} field="name" />

      <label htmlFor="model-description-input">Description</label>
      <textarea
        id="model-description-input"
        rows={2}
        maxLength={10000}
        value={draft.description}
        onChange={(event) => set("description")(event.target.value)}
        aria-invalid={fieldHasError(update.error, "description")}
        aria-describedby="model-description-errors"
      />
      <FieldErrors id="model-description-errors" error={update.error} field="description" />

      <label htmlFor="model-tags-input">Tags (comma-separated)</label>
      <input
        id="model-tags-input"
        value={draft.tags}
        placeholder="vision, int8"
        onChange={(event) => set("tags")(event.target.value)}
        aria-invalid={fieldHasError(update.error, "tags")}
        aria-describedby="model-tags-errors"
      />
      <FieldErrors id="model-tags-errors" error={update.error} field="tags" />

      <label htmlFor="model-visibility">Visibility</label>
      <select
        id="model-visibility"
        value={draft.visibility}
        onChange={(event) => set("visibility")(event.target.value)}
        aria-invalid={fieldHasError(update.error, "visibility")}
        aria-describedby="model-visibility-errors"
      >
        <option value="private">Private: only you</option>
        <option value="team">Team: the members of one team</option>
        {canOfficial && <option value="official">Official: everyone (staff only)</option>}
      </select>
      <FieldErrors id="model-visibility-errors" error={update.error} field="visibility" />
      {draft.visibility === "team" && <TeamPicker value={draft.team} onChange={set("team")} error={update.error} />}

      <div className="title-row">
        <label htmlFor="model-card-input">Model card (Markdown)</label>
        <button type="button" onClick={() => setPreview((shown) => !shown)} aria-pressed={preview}>
          {preview ? "Write" : "Preview"}
        </button>
      </div>
      {preview ? (
        <div className="card-preview" data-testid="card-preview">
          {draft.card.trim() ? (
            <Suspense fallback={<LoadingState label="Rendering the card…" />}>
              <Markdown source={draft.card} />
            </Suspense>
          ) : (
            <p className="muted">Nothing to preview.</p>
          )}
        </div>
      ) : (
        <textarea
          id="model-card-input"
          className="mono"
          rows={14}
          maxLength={200000}
          value={draft.card}
          onChange={(event) => set("card")(event.target.value)}
          aria-invalid={fieldHasError(update.error, "card")}
          aria-describedby="model-card-errors"
        />
      )}
      <FieldErrors id="model-card-errors" error={update.error} field="card" />

      <PreprocessingEditor
        draft={draft.preprocessing}
        onChange={(preprocessing) => setDraft((current) => ({ ...current, preprocessing }))}
        error={update.error}
      />

      <LabelsEditor
        labels={draft.labels}
        onChange={(labels) => setDraft((current) => ({ ...current, labels }))}
        error={update.error}
      />

      <div className="button-row">
        <button type="submit" className="primary" disabled={update.isPending || unchanged || !preprocessingReadable}>
          {update.isPending ? "Saving…" : "Save changes"}
        </button>
        <button type="button" onClick={onDone} disabled={update.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Deleting is for good: the user types the model's name, as on GitHub, before the button works. */
export function DeleteModelSection({ model, versionCount }: { model: ModelDetail; versionCount?: number }) {
  const remove = useDeleteModel(model.id);
  const navigate = useNavigate();
  const [typed, setTyped] = useState("");
  const confirmed = typed === model.name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!confirmed) return;
    remove.mutate(undefined, { onSuccess: () => navigate("/models", { replace: true }) });
  }

  const versions = versionCount ?? model.latest_version?.number;
  return (
    <form className="card danger-zone" onSubmit={submit} aria-labelledby="delete-model-title" data-testid="delete-model-form">
      <h2 id="delete-model-title">Delete this model</h2>
      <p>
        This removes {versions != null ? `its ${versions === 1 ? "version" : `${versions} versions`}` : "its versions"}, the
        jobs run on them with their reports and packages, and every stored file. It cannot be undone. A deployed model
        must be stopped first.
      </p>
      <FormError error={remove.error} shownFields={[]} />
      <label htmlFor="delete-model-confirm">
        Type <strong className="break">{model.name}</strong> to confirm
      </label>
      <input
        id="delete-model-confirm"
        autoComplete="off"
        value={typed}
        onChange={(event) => setTyped(event.target.value)}
      />
      <button type="submit" className="danger" disabled={!confirmed || remove.isPending}>
        {remove.isPending ? "Deleting…" : "Delete model"}
      </button>
    </form>
  );
}
