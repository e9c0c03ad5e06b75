/**
 * The Upload / Remove buttons under a file attached to a model version (example inputs, a
 * tokenizer): Upload submits the form, Remove clears the upload's last error and deletes what is
 * attached. Test ids are `${testIdPrefix}-upload` and `${testIdPrefix}-remove`.
 */
export function UploadActions({
  canUpload,
  uploading,
  attached,
  removing,
  onRemove,
  testIdPrefix,
}: {
  canUpload: boolean;
  uploading: boolean;
  attached: boolean;
  removing: boolean;
  onRemove: () => void;
  testIdPrefix: string;
}) {
  return (
    <div className="actions">
      <button type="submit" disabled={!canUpload || uploading} data-testid={`${testIdPrefix}-upload`}>
        {uploading ? "Uploading…" : "Upload"}
      </button>
      {attached && (
        <button type="button" className="danger" disabled={removing} onClick={onRemove} data-testid={`${testIdPrefix}-remove`}>
          {removing ? "Removing…" : "Remove"}
        </button>
      )}
    </div>
  );
}
