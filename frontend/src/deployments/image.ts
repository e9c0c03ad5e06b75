// Decoding a picture the user chose, in the browser: createImageBitmap, drawn on a canvas at its own
// size, read back as RGBA bytes. Resizing and normalisation are preprocessing.ts's, in plain code,
// so they give the same numbers in every browser.
import type { RgbaImage } from "./preprocessing";

export const IMAGE_ACCEPT = "image/png,image/jpeg,image/webp,.png,.jpg,.jpeg,.webp";
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp"]);
const IMAGE_SUFFIX = /\.(png|jpe?g|webp)$/i;
// A 40-megapixel photo is 160 MB of RGBA in the tab; anything larger is refused before decoding it whole.
export const MAX_IMAGE_PIXELS = 40_000_000;

export function isImageFile(file: File): boolean {
  return IMAGE_TYPES.has(file.type) || (!file.type && IMAGE_SUFFIX.test(file.name));
}

export async function decodeImage(file: File): Promise<RgbaImage> {
  if (!isImageFile(file)) {
    throw new Error(`it is ${file.type || "not a picture this form reads"}; choose a PNG, JPEG or WebP picture`);
  }
  let bitmap: ImageBitmap;
  try {
    // Pixel values as stored, as PIL reads them (no colour-profile conversion); EXIF orientation applied.
    bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", imageOrientation: "from-image" });
  } catch {
    throw new Error("the browser could not decode it as a picture (is the file complete?)");
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_IMAGE_PIXELS) {
      throw new Error(`it is ${width}×${height} pixels; pictures up to ${MAX_IMAGE_PIXELS / 1e6} megapixels are read here`);
    }
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) throw new Error("this browser gives no 2D canvas to read the picture's pixels");
    context.drawImage(bitmap, 0, 0);
    return { width, height, data: context.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}
