"""What users actually send: wrong files, cut-short files, archives that try to
escape their folder or expand without bound, oversized uploads, URIs that
cannot be read. Each is a clear 4xx naming the problem, and nothing is stored."""

from __future__ import annotations

import hashlib
import io
import tarfile
import zipfile

import boto3
import onnx
import pytest
from moto import mock_aws

from modelhub.models import ModelVersion, RegisteredModel
from tests.support.models import tiny_mlp

pytestmark = pytest.mark.django_db


@pytest.fixture
def onnx_bytes(tmp_path) -> bytes:
    return tiny_mlp(tmp_path / "m.onnx").read_bytes()


def stored_objects(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def send(api, content: bytes, filename: str = "model.onnx", **fields):
    upload = io.BytesIO(content)
    upload.name = filename
    return api.post("/api/v1/models/", {"file": upload, "name": "m", **fields}, format="multipart")


def assert_refused(response, status: int, field: str, *words: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    message = " ".join(body["errors"][field]).lower()
    for word in words:
        assert word.lower() in message, message
        assert word.lower() in body["detail"].lower()


@pytest.fixture(autouse=True)
def nothing_half_stored(local_object_store):
    yield
    assert RegisteredModel.objects.count() == ModelVersion.objects.count()
    if RegisteredModel.objects.count() == 0:
        assert stored_objects(local_object_store) == []


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_of(members: dict[str, bytes], *, link: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link[0])
            info.type, info.linkname = tarfile.SYMTYPE, link[1]
            archive.addfile(info)
    return buffer.getvalue()


# --- wrong and damaged files -----------------------------------------------------------

def test_a_gguf_file_is_named_as_such(api):
    assert_refused(send(api, b"GGUF" + b"\x00" * 200), 400, "file", "gguf")


@pytest.mark.parametrize("content, words", [
    (b"name,score\n1,2\n" * 10, ["is not an ONNX model", "text file"]),
    (b"\x08\x07" + b"\xff" * 300, ["could not be parsed as ONNX", "truncated"]),
])
def test_a_file_not_named_onnx_is_refused_by_the_name_it_was_sent_under(api, content, words):
    # It is stored as model.onnx; the message names the file its owner knows.
    response = send(api, content, filename="scores.csv")
    assert_refused(response, 400, "file", "scores.csv", *words)
    assert "model.onnx" not in response.json()["detail"]


def test_a_truncated_onnx_file_says_so(api, onnx_bytes):
    assert_refused(send(api, onnx_bytes[: len(onnx_bytes) // 2], filename="net.onnx"), 400, "file",
                   "net.onnx", "could not be parsed as ONNX", "truncated")


def test_a_truncated_archive_says_so(api, onnx_bytes):
    whole = zip_of({"model.onnx": onnx_bytes})
    assert_refused(send(api, whole[: len(whole) // 2], filename="model.zip"), 400, "file", "truncated")


def test_an_archive_without_a_model_lists_what_it_found(api):
    assert_refused(send(api, zip_of({"README.md": b"hi"}), filename="m.zip"), 400, "file", "README.md")


def test_checksum_mismatch_is_refused_naming_both_sums(api, onnx_bytes):
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = send(api, onnx_bytes, sha256=wrong)
    assert_refused(response, 400, "sha256", "checksum mismatch", wrong, hashlib.sha256(onnx_bytes).hexdigest())


def test_matching_checksum_is_accepted(api, onnx_bytes):
    response = send(api, onnx_bytes, sha256=hashlib.sha256(onnx_bytes).hexdigest())
    assert response.status_code == 201, response.content
    assert response.json()["latest_version"]["sha256"] == hashlib.sha256(onnx_bytes).hexdigest()


# --- archives ------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["../escape.onnx", "/etc/cron.d/x", "a/../../b.onnx", "C:\\evil.onnx"])
def test_zip_members_that_escape_the_folder_are_refused(api, onnx_bytes, member):
    assert_refused(send(api, zip_of({member: onnx_bytes}), filename="m.zip"), 400, "file", "outside")


def test_tar_members_that_escape_or_link_are_refused(api, onnx_bytes):
    assert_refused(send(api, tar_of({"../../x.onnx": onnx_bytes}), filename="m.tar.gz"), 400, "file", "outside")
    linked = tar_of({"model.onnx": onnx_bytes}, link=("weights.bin", "/etc/passwd"))
    assert_refused(send(api, linked, filename="m.tar.gz"), 400, "file", "link")


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(api, settings):
    settings.MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES = 1024 * 1024
    bomb = zip_of({"model.onnx": b"\0" * (50 * 1024 * 1024)})  # 50 MB of zeros in ~50 KB
    assert len(bomb) < 200 * 1024
    assert_refused(send(api, bomb, filename="m.zip"), 400, "file", "expands to more than 1048576 bytes")


def test_a_tar_bomb_is_refused(api, settings):
    settings.MODELHUB_ARCHIVE_MAX_EXPANDED_BYTES = 1024 * 1024
    bomb = tar_of({f"part{i}.bin": b"\0" * (400 * 1024) for i in range(4)})
    assert_refused(send(api, bomb, filename="m.tar.gz"), 400, "file", "expands")


def test_too_many_members_are_refused(api, settings):
    settings.MODELHUB_ARCHIVE_MAX_MEMBERS = 10
    assert_refused(send(api, zip_of({f"f{i}": b"x" for i in range(11)}), filename="m.zip"), 400, "file", "11 members")


def test_upload_past_the_limit_is_cut_off_while_it_streams(api, settings, onnx_bytes):
    # Just under the header check (which allows for multipart framing): the byte count refuses it.
    settings.WHETSTONE_MAX_UPLOAD_BYTES = len(onnx_bytes) - 1
    assert_refused(send(api, onnx_bytes), 413, "file", f"{len(onnx_bytes) - 1} bytes")


# --- formats that are accepted -------------------------------------------------------------

def external_data_model(tmp_path):
    model = onnx.load(tiny_mlp(tmp_path / "big.onnx"))
    folder = tmp_path / "external"
    folder.mkdir()
    onnx.save(model, folder / "model.onnx", save_as_external_data=True, all_tensors_to_one_file=True,
              location="weights.bin", size_threshold=0)
    return folder


def test_onnx_with_external_data_as_an_archive(api, tmp_path, local_object_store):
    folder = external_data_model(tmp_path)
    archive = zip_of({name: (folder / name).read_bytes() for name in ("model.onnx", "weights.bin")})
    response = send(api, archive, filename="model.zip")
    assert response.status_code == 201, response.content
    version = response.json()["latest_version"]
    assert {f["path"] for f in version["files"]} == {"model.onnx", "weights.bin"}
    assert version["signature"]["inputs"][0]["shape"] == ["batch", 16]
    stored = {p.name for p in stored_objects(local_object_store)}
    assert stored == {"model.onnx", "weights.bin"}


def test_onnx_with_external_data_as_several_files(api, tmp_path):
    folder = external_data_model(tmp_path)
    main = io.BytesIO((folder / "model.onnx").read_bytes())
    main.name = "model.onnx"
    data = io.BytesIO((folder / "weights.bin").read_bytes())
    data.name = "weights.bin"
    response = api.post("/api/v1/models/", {"file": main, "external_data": [data], "name": "ext"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["latest_version"]["node_counts"]["compute"] == 2


def test_external_data_missing_from_the_archive_is_named(api, tmp_path):
    folder = external_data_model(tmp_path)
    response = send(api, zip_of({"model.onnx": (folder / "model.onnx").read_bytes()}), filename="model.zip")
    assert_refused(response, 400, "file", "external data")


def test_torchscript_is_detected_without_being_loaded(api, tmp_path):
    torch = pytest.importorskip("torch")
    scripted = torch.jit.script(torch.nn.Linear(4, 2))
    path = tmp_path / "linear.pt"
    torch.jit.save(scripted, str(path))
    response = send(api, path.read_bytes(), filename="linear.pt")
    assert response.status_code == 201, response.content
    assert (response.json()["format"], response.json()["framework"]) == ("torchscript", "pytorch")


EXPORT_LINE = 'torch.export.save(torch.export.export(model, example_inputs), "model.pt2")'


class RunsAShellCommand:
    """Unpickling this calls os.system: what an attacker uploads as a checkpoint."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("writer", ["torch.save", "pickle.dump"])
def test_a_pickle_that_runs_code_is_refused_and_never_runs(api, tmp_path, writer):
    import pickle

    torch = pytest.importorskip("torch")
    marker, path = tmp_path / "pwned", tmp_path / "checkpoint.pt"
    if writer == "torch.save":
        torch.save(RunsAShellCommand(marker), str(path))
    else:
        path.write_bytes(pickle.dumps(RunsAShellCommand(marker), protocol=2))
    response = send(api, path.read_bytes(), filename="checkpoint.pt")
    assert_refused(response, 400, "file", "checkpoint.pt", "pickle", "runs whatever code", "posix.system",
                   EXPORT_LINE)
    assert not marker.exists()
    assert RegisteredModel.objects.count() == 0


def test_a_whole_module_pickle_is_refused_with_the_export_line(api, tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "module.pt"
    torch.save(torch.nn.Linear(4, 2), str(path))
    assert_refused(send(api, path.read_bytes(), filename="module.pt"), 400, "file",
                   "torch.nn.modules.linear.Linear", "pickle", EXPORT_LINE)


@pytest.mark.parametrize("zipped", [True, False])
def test_a_state_dict_is_refused_because_it_has_no_architecture(api, tmp_path, zipped):
    torch = pytest.importorskip("torch")
    path = tmp_path / "weights.pth"
    torch.save(torch.nn.Linear(4, 2).state_dict(), str(path), _use_new_zipfile_serialization=zipped)
    assert_refused(send(api, path.read_bytes(), filename="weights.pth"), 400, "file",
                   "weights.pth", "state_dict", "architecture", EXPORT_LINE)


def exported_program(tmp_path):
    torch = pytest.importorskip("torch")

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(4, 2)

        def forward(self, x):
            return self.linear(x)

    batch = torch.export.Dim("batch", min=1, max=64)
    program = torch.export.export(Net().eval(), (torch.randn(2, 4),), dynamic_shapes={"x": {0: batch}})
    path = tmp_path / "net.pt2"
    torch.export.save(program, str(path))
    return path


def test_an_exported_program_is_registered_as_data(api, tmp_path, local_object_store):
    response = send(api, exported_program(tmp_path).read_bytes(), filename="net.pt2")
    assert response.status_code == 201, response.content
    assert (response.json()["format"], response.json()["framework"]) == ("pytorch-export", "pytorch")
    assert response.json()["signature"]["inputs"] == [{"name": "x", "dtype": "float32", "shape": ["batch", 4]}]
    assert [p.name for p in stored_objects(local_object_store)] == ["model.pt2"]


def test_an_exported_program_that_would_eval_python_is_refused(api, tmp_path):
    import json

    path = exported_program(tmp_path)
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            if info.filename.endswith("models/net.json") or info.filename.endswith("models/model.json"):
                graph = json.loads(data)
                graph["graph_module"]["graph"]["tensor_values"]["x"]["sizes"][0]["as_expr"]["expr_str"] = (
                    "__import__('os').system('id')")
                data = json.dumps(graph).encode()
            target.writestr(info, data)
    assert_refused(send(api, path.read_bytes(), filename="net.pt2"), 400, "file", "net.pt2", "not arithmetic",
                   EXPORT_LINE)


def test_a_tensorflow_savedmodel_is_refused_with_the_conversion_to_run_whatever_is_installed(api):
    # Installed or not (make bench installs tensorflow and tf2onnx into the same environment), the
    # compiler core has no TensorFlow front end: accepting the file would only fail its jobs later.
    archive = tar_of({"my_model/saved_model.pb": b"\x08\x01", "my_model/variables/variables.index": b""})
    assert_refused(send(api, archive, filename="saved.tar.gz"), 400, "file", "TensorFlow SavedModel",
                   "tf2onnx.convert --saved-model")
    frozen = tar_of({"graph.pb": b"\x08\x01"})
    assert_refused(send(api, frozen, filename="frozen.tar.gz"), 400, "file", "TensorFlow frozen graph", "--graphdef")


# --- register by URI ----------------------------------------------------------------------

@pytest.fixture
def s3_bucket(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.MODELHUB_S3_ENDPOINT_URL = ""
    settings.MODELHUB_URI_ACCESS_KEY_ID = settings.MODELHUB_URI_SECRET_ACCESS_KEY = "testing"
    settings.MODELHUB_OSS_ENDPOINT_URL = "https://s3.amazonaws.com"
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="team-models")
        yield client


def register_uri(api, uri: str, **fields):
    return api.post("/api/v1/models/", {"uri": uri, "name": "from-uri", **fields}, format="json")


def test_register_by_s3_uri_copies_and_checks_the_object(api, s3_bucket, onnx_bytes, local_object_store):
    s3_bucket.put_object(Bucket="team-models", Key="resnet/model.onnx", Body=onnx_bytes)
    response = register_uri(api, "s3://team-models/resnet/model.onnx",
                            sha256=hashlib.sha256(onnx_bytes).hexdigest())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "uri" and body["latest_version"]["source_uri"] == "s3://team-models/resnet/model.onnx"
    assert [p.read_bytes() for p in stored_objects(local_object_store)] == [onnx_bytes]


def test_an_object_name_longer_than_the_column_is_kept_cut_short(api, s3_bucket, settings):
    # A URI may be 1000 characters; PostgreSQL refuses a value longer than its column. Large
    # enough to be inspected later, the object is stored under its name as sent.
    settings.MODELHUB_INLINE_INSPECTION_MAX_BYTES = 10
    key = "exports/" + "scores-" + "x" * 300 + ".bin"
    s3_bucket.put_object(Bucket="team-models", Key=key, Body=b"\x08\x07" + b"\xff" * 300)
    assert register_uri(api, f"s3://team-models/{key}").status_code == 201
    assert ModelVersion.objects.get().sent_as == key.removeprefix("exports/")[:255]


def test_oss_uris_are_read_through_the_s3_api(api, s3_bucket, onnx_bytes):
    s3_bucket.put_object(Bucket="team-models", Key="m.onnx", Body=onnx_bytes)
    assert register_uri(api, "oss://team-models/m.onnx").status_code == 201


@pytest.mark.parametrize("uri, words", [
    ("s3://team-models/missing.onnx", ["no such object"]),
    ("s3://no-such-bucket/model.onnx", ["no such bucket"]),
    ("s3://team-models/", ["s3://bucket/key"]),
    ("https://example.com/model.onnx", ["s3://bucket/key"]),
    ("s3://127.0.0.1:8081/model.onnx", ["not a bucket name"]),
    ("oss://user@169.254.169.254/latest/meta-data", ["not a bucket name"]),
    ("s3://169.254.169.254/latest/meta-data", ["not a bucket name"]),
])
def test_unreadable_uris_are_refused_before_anything_is_registered(api, s3_bucket, uri, words):
    assert_refused(register_uri(api, uri), 400, "uri", *words)


def test_an_object_that_is_not_a_model_is_refused(api, s3_bucket):
    s3_bucket.put_object(Bucket="team-models", Key="notes.txt", Body=b"hello, this is text\n" * 5)
    assert_refused(register_uri(api, "s3://team-models/notes.txt"), 400, "file", "onnx")


def test_presigned_uploads_need_s3_storage(api):
    response = api.post("/api/v1/uploads/", {"filename": "m.onnx", "size_bytes": 10, "sha256": "0" * 64},
                        format="json")
    assert_refused(response, 409, "upload", "S3")


def test_uris_into_the_modelhubs_own_bucket_are_refused(api, s3_bucket, settings, onnx_bytes):
    """The server reads with its own credentials: naming its bucket would expose other users' models."""
    settings.S3_BUCKET = "team-models"
    s3_bucket.put_object(Bucket="team-models", Key="models/1/v1/model.onnx", Body=onnx_bytes)
    assert_refused(register_uri(api, "s3://team-models/models/1/v1/model.onnx"), 403, "uri", "own storage")


def test_only_allowed_buckets_when_the_operator_lists_them(api, s3_bucket, settings, onnx_bytes):
    settings.MODELHUB_URI_ALLOWED_BUCKETS = ["ml-artifacts"]
    s3_bucket.put_object(Bucket="team-models", Key="m.onnx", Body=onnx_bytes)
    assert_refused(register_uri(api, "s3://team-models/m.onnx"), 403, "uri", "ml-artifacts")


# --- damaged and impossible archives (bytes-level) ------------------------------------------

def stored_zip(members: dict[str, bytes], *, compression=zipfile.ZIP_STORED) -> bytearray:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return bytearray(buffer.getvalue())


def _first_data_offset(archive: bytearray) -> int:
    assert archive[:4] == b"PK\x03\x04"
    name_length, extra_length = int.from_bytes(archive[26:28], "little"), int.from_bytes(archive[28:30], "little")
    return 30 + name_length + extra_length


def _patch_headers(archive: bytearray, *, local: int, central: int, value: int) -> bytearray:
    """Write a 2-byte field into the first member's local header and its central directory entry."""
    central_at = archive.index(b"PK\x01\x02")
    archive[local:local + 2] = value.to_bytes(2, "little")
    archive[central_at + central:central_at + central + 2] = value.to_bytes(2, "little")
    return archive


def bad_crc(onnx: bytes) -> bytes:
    archive = stored_zip({"model.onnx": onnx})
    archive[_first_data_offset(archive) + 10] ^= 0xFF  # the stored bytes no longer match their CRC-32
    return bytes(archive)


def corrupted_deflate(onnx: bytes) -> bytes:
    archive = stored_zip({"model.onnx": onnx * 4}, compression=zipfile.ZIP_DEFLATED)
    archive[_first_data_offset(archive)] = 0xFF  # a deflate block of the reserved type 3
    return bytes(archive)


def encrypted(onnx: bytes) -> bytes:
    return bytes(_patch_headers(stored_zip({"model.onnx": onnx}), local=6, central=8, value=0x1))


def unsupported_compression(onnx: bytes) -> bytes:
    return bytes(_patch_headers(stored_zip({"model.onnx": onnx}), local=8, central=10, value=9))  # deflate64


@pytest.mark.parametrize("build, words", [
    (lambda onnx: zip_of({"weights": b"x", "weights/model.onnx": onnx}), ["weights", "both a file and a folder"]),
    (lambda onnx: zip_of({"sub/model.onnx": onnx, "sub": b"x"}), ["sub", "both a file and a folder"]),
    (lambda onnx: bytes(stored_zip({"data/": b"", "data": b"x", "model.onnx": onnx})), ["both a file and a folder"]),
    (lambda onnx: zip_of({"model.onnx": onnx, "./model.onnx": onnx}), ["model.onnx", "twice"]),
    (lambda onnx: zip_of({"x" * 296 + ".onnx": onnx}), ["too long"]),
    (lambda onnx: zip_of({"a/" * 300 + "model.onnx": onnx}), ["too long"]),
    (lambda onnx: zip_of({".": b"x", "model.onnx": onnx}), ["'.'", "not a file name"]),
    (bad_crc, ["model.onnx", "damaged", "CRC"]),
    (corrupted_deflate, ["model.onnx", "damaged"]),
    (encrypted, ["model.onnx", "encrypted"]),
    (unsupported_compression, ["model.onnx", "compression"]),
], ids=["file-then-folder", "folder-then-file", "folder-entry-and-file", "same-name-twice", "300-char-name",
        "deep-path", "dot", "bad-crc", "corrupted-deflate", "encrypted", "deflate64"])
def test_a_damaged_or_impossible_zip_is_a_clear_400_and_nothing_is_stored(api, onnx_bytes, build, words):
    assert_refused(send(api, build(onnx_bytes), filename="model.zip"), 400, "file", *words)


@pytest.mark.parametrize("members, words", [
    ({"weights": b"x", "weights/model.onnx": b"onnx"}, ["both a file and a folder"]),
    ({"x" * 296 + ".onnx": b"onnx"}, ["too long"]),
])
def test_the_same_rules_hold_for_tar_archives(api, members, words):
    assert_refused(send(api, tar_of(members), filename="m.tar.gz"), 400, "file", *words)


def test_a_tar_whose_compressed_stream_is_corrupted_is_a_400(api, onnx_bytes):
    archive = bytearray(tar_of({"model.onnx": onnx_bytes * 4}))
    archive[10] = 0xFF  # just past the gzip header: a deflate block of the reserved type 3
    assert_refused(send(api, bytes(archive), filename="m.tar.gz"), 400, "file", "damaged")


def test_the_same_rules_hold_when_registering_by_uri(api, s3_bucket, onnx_bytes):
    s3_bucket.put_object(Bucket="team-models", Key="broken.zip", Body=bad_crc(onnx_bytes))
    assert_refused(register_uri(api, "s3://team-models/broken.zip"), 400, "file", "damaged")
