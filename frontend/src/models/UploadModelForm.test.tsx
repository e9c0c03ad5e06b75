import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeServer } from "../test/fakeServer";
import { model } from "../test/fixtures";
import { renderWithProviders } from "../test/render";
import { UploadModelForm } from "./UploadModelForm";

function onnxFile(name = "tiny.onnx") {
  return new File([new Uint8Array([8, 7, 18, 4])], name, { type: "application/octet-stream" });
}

describe("UploadModelForm", () => {
  it("shows the server's message about the file next to the file input", async () => {
    const { requests } = fakeServer({
      "POST /api/v1/models/": {
        status: 400,
        body: {
          detail: "The upload was rejected.",
          errors: { file: ["This is not an ONNX model: the protobuf cannot be parsed. Upload a .onnx file."] },
        },
      },
    });
    renderWithProviders(<UploadModelForm onUploaded={() => {}} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText("Model file"), onnxFile("broken.onnx"));
    await user.click(screen.getByRole("button", { name: "Upload" }));

    const fileErrors = await screen.findByTestId("field-error-file");
    expect(fileErrors.textContent).toContain("This is not an ONNX model");
    const fileInput = screen.getByLabelText("Model file");
    expect(fileInput.getAttribute("aria-invalid")).toBe("true");
    expect(fileInput.getAttribute("aria-describedby")).toContain(fileErrors.id);
    expect(screen.getByTestId("form-error").textContent).toContain("The upload was rejected.");
    // The field message is shown once, beside its field, not repeated in the form banner.
    expect(screen.getByTestId("form-error").textContent).not.toContain("not an ONNX model");
    expect(requests).toHaveLength(1);
  });

  it("does not repeat a field's message when the server's detail already says it", async () => {
    fakeServer({
      "POST /api/v1/models/": {
        status: 400,
        body: {
          detail: "file: notes.onnx is not an ONNX model: it looks like a text file",
          errors: { file: ["notes.onnx is not an ONNX model: it looks like a text file"] },
        },
      },
    });
    renderWithProviders(<UploadModelForm onUploaded={() => {}} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText("Model file"), onnxFile("notes.onnx"));
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect((await screen.findByTestId("field-error-file")).textContent).toContain("looks like a text file");
    expect(screen.queryByTestId("form-error")).toBeNull();
  });

  it("sends the file, name and description as multipart with the CSRF token", async () => {
    document.cookie = "csrftoken=token-123; path=/";
    const { requests } = fakeServer({ "POST /api/v1/models/": { status: 201, body: model } });
    const uploaded = vi.fn();
    renderWithProviders(<UploadModelForm onUploaded={uploaded} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText("Model file"), onnxFile("tiny-mlp.onnx"));
    // The name is suggested from the file name.
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("tiny-mlp");
    await user.type(screen.getByLabelText("Description"), "three nodes");
    await user.click(screen.getByRole("button", { name: "Upload" }));

    await waitFor(() => expect(uploaded).toHaveBeenCalledWith(model));
    const form = requests[0]!.body as FormData;
    // jsdom's File does not survive Node's multipart encoder (it arrives as an empty "blob"),
    // so the bytes themselves are checked by the browser end-to-end test.
    expect(form.has("file")).toBe(true);
    expect(form.get("name")).toBe("tiny-mlp");
    expect(form.get("description")).toBe("three nodes");
    expect(requests[0]!.headers.get("X-CSRFToken")).toBe("token-123");
  });

  it("keeps a field error the form has no input for visible in the form banner", async () => {
    fakeServer({
      "POST /api/v1/models/": { status: 400, body: { detail: "Invalid input.", errors: { non_field_errors: ["Storage is full."] } } },
    });
    renderWithProviders(<UploadModelForm onUploaded={() => {}} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText("Model file"), onnxFile());
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect((await screen.findByTestId("form-error")).textContent).toContain("Storage is full.");
  });
});

describe("UploadModelForm by URI", () => {
  it("checks the URI's form beside the field before any request", async () => {
    const { requests } = fakeServer({});
    renderWithProviders(<UploadModelForm onUploaded={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByLabelText("Object-store URI"));
    await user.type(screen.getByLabelText("Object URI"), "http://example.com/model.onnx");
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect((await screen.findByTestId("field-error-uri")).textContent).toContain("s3://bucket/key");
    expect(screen.getByLabelText("Object URI").getAttribute("aria-invalid")).toBe("true");
    expect(requests).toHaveLength(0);
  });

  it("registers an s3:// object as JSON with tags, and shows the server's reason beside the URI", async () => {
    const { requests } = fakeServer({
      "POST /api/v1/models/": { status: 400, body: { detail: "Invalid input.", errors: { uri: ["No such object: s3://models/r.onnx"] } } },
    });
    renderWithProviders(<UploadModelForm onUploaded={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByLabelText("Object-store URI"));
    await user.type(screen.getByLabelText("Object URI"), "s3://models/r.onnx");
    await user.tab();
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("r");
    await user.type(screen.getByLabelText("Tags"), "vision, resnet");
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect((await screen.findByTestId("field-error-uri")).textContent).toContain("No such object");
    expect(requests[0]!.body).toEqual({ uri: "s3://models/r.onnx", name: "r", description: "", tags: ["vision", "resnet"], card: "" });
  });
});

describe("UploadModelForm progress", () => {
  it("shows a progress bar while the file is sent", async () => {
    let release: () => void = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    fakeServer({ "POST /api/v1/models/": { status: 201, body: model } });
    const fetchMock = globalThis.fetch as unknown as { getMockImplementation: () => (r: Request) => Promise<Response> };
    const answer = fetchMock.getMockImplementation();
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        await answered;
        return answer(request);
      }),
    );
    const uploaded = vi.fn();
    renderWithProviders(<UploadModelForm onUploaded={uploaded} />);
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText("Model file"), onnxFile());
    await user.click(screen.getByRole("button", { name: "Upload" }));
    const bar = await screen.findByRole("progressbar", { name: "Upload progress" });
    expect(bar.getAttribute("value")).toBe("100");
    release();
    await waitFor(() => expect(uploaded).toHaveBeenCalled());
  });
});
