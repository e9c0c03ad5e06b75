// The try-it form's picture input: choose a PNG, JPEG or WebP file, see it, type H x W when the
// signature leaves them dynamic, and read exactly what will be applied before sending.
import { useEffect, useId, useRef, type ChangeEvent, type Dispatch, type SetStateAction } from "react";
import type { TensorSpec } from "../api/types";
import { decodeImage, IMAGE_ACCEPT } from "./image";
import { describePreprocessing, type ImageGeometry, type Preprocessing, type RgbaImage } from "./preprocessing";
import { v2Datatype } from "./snippets";

export type ChosenPicture = { name: string; url: string; image: RgbaImage };
/** The picture and the H x W typed in (used only where the signature's dims are dynamic). */
export type ImageValue = { picture: ChosenPicture | null; height: string; width: string };

/** H x W to send: the signature's fixed dims, else what the user typed; an Error says what is wrong. */
export function targetSize(geometry: ImageGeometry, value: ImageValue): { width: number; height: number } {
  const typed = (text: string, what: string) => {
    const number = Number(text);
    if (!Number.isInteger(number) || number < 1 || number > 8192) {
      throw new Error(`The picture's ${what} must be a whole number of pixels from 1 to 8192.`);
    }
    return number;
  };
  return {
    height: geometry.height ?? typed(value.height, "height"),
    width: geometry.width ?? typed(value.width, "width"),
  };
}

function SideField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <span>
      <label htmlFor={id}>{label}</label>
      <input id={id} inputMode="numeric" value={value} onChange={(event) => onChange(event.target.value)} />
    </span>
  );
}

export function ImageInput({
  input,
  geometry,
  preprocessing,
  saved,
  value,
  onChange,
  onProblem,
}: {
  input: TensorSpec;
  geometry: ImageGeometry;
  /** What is applied: the saved settings (or the defaults) with the layout the input has. */
  preprocessing: Preprocessing;
  saved: boolean;
  value: ImageValue;
  onChange: Dispatch<SetStateAction<ImageValue>>;
  onProblem: (problem: string | null) => void;
}) {
  const ids = useId();
  // Object URLs stay valid while a result may still draw on them; all go when the form does.
  const urls = useRef<string[]>([]);
  useEffect(() => {
    const created = urls.current;
    return () => created.forEach((url) => URL.revokeObjectURL(url));
  }, []);

  async function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    onChange((old) => ({ ...old, picture: null }));
    if (!file) return;
    try {
      const image = await decodeImage(file);
      const url = URL.createObjectURL(file);
      urls.current.push(url);
      onChange((old) => ({ ...old, picture: { name: file.name, url, image } }));
      onProblem(null);
    } catch (error) {
      onProblem(`${file.name}: ${(error as Error).message}`);
    }
  }

  const dynamic = geometry.height === null || geometry.width === null;
  let size = "";
  try {
    const { width, height } = targetSize(geometry, value);
    size = `${width}×${height}`;
  } catch {
    size = "H×W (type them above)";
  }
  const picture = value.picture;
  return (
    <div className="infer-image" data-testid="infer-image">
      <label htmlFor={`${ids}-image`}>Picture (PNG, JPEG or WebP)</label>
      <input id={`${ids}-image`} type="file" accept={IMAGE_ACCEPT} onChange={(event) => void choose(event)} />
      {dynamic && (
        <div className="infer-image-size">
          {geometry.height === null && (
            <SideField label="Height" value={value.height} onChange={(height) => onChange((old) => ({ ...old, height }))} />
          )}
          {geometry.width === null && (
            <SideField label="Width" value={value.width} onChange={(width) => onChange((old) => ({ ...old, width }))} />
          )}
        </div>
      )}
      {picture && (
        <img className="infer-image-preview" src={picture.url} alt={`The chosen picture, ${picture.name}`} />
      )}
      <p className="hint" data-testid="infer-image-applied">
        {picture ? `${picture.name} (${picture.image.width}×${picture.image.height})` : "The picture"} → stretched to{" "}
        {size}, {describePreprocessing(preprocessing)}, {v2Datatype(input.dtype)} input <code>{input.name}</code>.{" "}
        {saved
          ? "The preprocessing saved on the model."
          : "The defaults: the model has no preprocessing saved (its owner sets it on the model page)."}
      </p>
    </div>
  );
}
