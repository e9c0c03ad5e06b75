"""Page objects for the Whetstone console: tests say what a user does, these know how.

Locators prefer what a user perceives (labels, roles, button names); `data-testid` marks
the values tests read back.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

JOB_FINAL_STATUS = re.compile(r"^(succeeded|failed|cancelled)$")
DEPLOYMENT_FINAL_STATUS = re.compile(r"^(ready|failed|stopped)$")


class ConsolePage:
    def __init__(self, page: Page, screenshots: Path):
        self.page = page
        self.screenshots = screenshots

    def screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def wait_until_loaded(self) -> None:
        expect(self.page.get_by_test_id("loading")).to_have_count(0)

    def open_from_nav(self, link: str) -> "ListPage":
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
        listing = ListPage(self.page, self.screenshots)
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()
        listing.wait_until_loaded()
        return listing


class ListPage(ConsolePage):
    """The Jobs and Deployments lists: one row per item, read as text."""

    def rows(self, testid: str) -> list[str]:
        expect(self.page.get_by_test_id(testid).first).to_be_visible()
        return self.page.get_by_test_id(testid).all_inner_texts()


class LoginPage(ConsolePage):
    def open(self) -> "LoginPage":
        self.page.goto("/login")
        expect(self.page.get_by_role("heading", name="Sign in to Whetstone")).to_be_visible()
        return self

    def submit(self, username: str, password: str) -> None:
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()

    def log_in(self, username: str, password: str) -> "ModelsPage":
        self.submit(username, password)
        models = ModelsPage(self.page, self.screenshots)
        models.wait_until_shown()
        return models

    def log_in_with_keyboard(self, username: str, password: str) -> None:
        """Tab into each field and press Enter, as a user without a mouse would."""
        keyboard = self.page.keyboard
        keyboard.press("Tab")
        expect(self.page.get_by_label("Username")).to_be_focused()
        keyboard.type(username)
        keyboard.press("Tab")
        expect(self.page.get_by_label("Password")).to_be_focused()
        keyboard.type(password)
        keyboard.press("Enter")

    def password_errors(self) -> str:
        message = self.page.get_by_test_id("field-error-password")
        expect(message).to_be_visible()
        return message.inner_text()


class ModelsPage(ConsolePage):
    def open(self) -> "ModelsPage":
        self.page.goto("/models")
        self.wait_until_shown()
        return self

    def wait_until_shown(self) -> None:
        expect(self.page.get_by_role("heading", name="Models", exact=True)).to_be_visible()
        self.wait_until_loaded()

    def _fill_upload(self, path: Path, name: str, description: str) -> None:
        form = self.page.get_by_test_id("upload-form")
        form.get_by_label("Model file").set_input_files(str(path))
        form.get_by_label("Name").fill(name)
        form.get_by_label("Description").fill(description)
        form.get_by_role("button", name="Upload").click()

    def upload(self, path: Path, *, name: str, description: str = "", while_uploading=None) -> "ModelDetailPage":
        """Uploads; `while_uploading(page)` runs once the progress bar shows (large files only)."""
        self._fill_upload(path, name, description)
        if while_uploading is not None:
            expect(self.page.get_by_test_id("upload-progress")).to_be_visible()
            while_uploading(self)
        detail = ModelDetailPage(self.page, self.screenshots)
        expect(self.page).to_have_url(re.compile(r"/models/\d+$"), timeout=60_000)
        detail.wait_until_shown(name)
        return detail

    def upload_expecting_rejection(self, path: Path, *, name: str) -> str:
        """Uploads a file the server refuses; returns the message shown beside the file field."""
        self._fill_upload(path, name, "")
        message = self.page.get_by_test_id("field-error-file")
        expect(message).to_be_visible(timeout=30_000)
        return message.inner_text()

    def search(self, text: str) -> None:
        self.page.get_by_label("Search models").fill(text)
        self.page.get_by_role("button", name="Search", exact=True).click()
        expect(self.page).to_have_url(re.compile(r"[?&]search="))
        self._wait_for_results()

    def model_names(self) -> list[str]:
        return self.page.get_by_test_id("model-name-link").all_inner_texts()

    def _wait_for_results(self) -> None:
        """Until the list shows the result of the search in the address bar. The previous rows stay
        until the new result arrives, and aria-busy says when it has; but the address changes a
        moment before the page renders the new search, while aria-busy still reads false for the
        old one, so first the page must say which search it shows (data-search)."""
        results = self.page.get_by_test_id("models-results")
        expect(results).to_have_attribute("data-search", urlsplit(self.page.url).query)
        expect(results).to_have_attribute("aria-busy", "false")

    def filter_by(self, label: str, option: str) -> None:
        self.page.get_by_test_id("model-filters").get_by_label(label, exact=True).select_option(option)
        self._wait_for_results()

    def filter_by_tag(self, tag: str) -> None:
        field = self.page.get_by_test_id("model-filters").get_by_label("Tag", exact=True)
        field.fill(tag)
        field.press("Enter")
        expect(self.page).to_have_url(re.compile(r"[?&]tag="))
        self._wait_for_results()

    def sort_by_name(self) -> None:
        self.page.get_by_test_id("sort-name").click()
        expect(self.page).to_have_url(re.compile(r"ordering=-?name"))
        self._wait_for_results()

    def sort_state(self, column: str) -> str:
        return self.page.get_by_test_id(f"sort-{column}").locator("xpath=..").get_attribute("aria-sort") or ""

    def sources(self) -> list[str]:
        return self.page.get_by_test_id("model-source").all_inner_texts()

    def register_uri(self, uri: str, *, name: str, tags: str = "") -> None:
        form = self.page.get_by_test_id("upload-form")
        form.get_by_label("Object-store URI").check()
        form.get_by_label("Object URI").fill(uri)
        form.get_by_label("Name").fill(name)
        if tags:
            form.get_by_label("Tags").fill(tags)
        form.get_by_role("button", name="Register").click()

    def uri_errors(self) -> str:
        message = self.page.get_by_test_id("field-error-uri")
        expect(message).to_be_visible(timeout=30_000)
        return message.inner_text()

    def open_more_with_keyboard(self, name: str) -> list[str]:
        """Focus a row's More menu, open it with Enter; returns the actions it offers."""
        menu = self.page.get_by_label(f"More actions for {name}")
        menu.focus()
        self.page.keyboard.press("Enter")
        actions = menu.locator("xpath=..").get_by_role("link")
        expect(actions.first).to_be_visible()
        return actions.all_inner_texts()

    def search_with_keyboard(self, text: str) -> None:
        """Skip link, then Tab to the search field, type, Enter: no mouse."""
        keyboard = self.page.keyboard
        self.open()  # a fresh load: focus starts at the top of the document
        keyboard.press("Tab")
        expect(self.page.get_by_role("link", name="Skip to content")).to_be_focused()
        keyboard.press("Enter")
        keyboard.press("Tab")
        expect(self.page.get_by_label("Search models")).to_be_focused()
        keyboard.type(text)
        keyboard.press("Enter")
        expect(self.page).to_have_url(re.compile(r"[?&]search="))
        self._wait_for_results()


class ModelDetailPage(ConsolePage):
    def wait_until_shown(self, name: str) -> None:
        expect(self.page.get_by_test_id("model-name")).to_have_text(name)

    def input_shapes(self) -> str:
        return " ".join(row.inner_text() for row in self.page.get_by_test_id("signature-input").all())

    def dynamic_dims(self) -> list[str]:
        return self.page.get_by_test_id("dynamic-dim").all_inner_texts()

    def advice(self, recipe: str) -> str:
        locator = self.page.get_by_test_id(f"advice-{recipe}")
        expect(locator).to_be_visible(timeout=30_000)
        return locator.inner_text()

    def version_rows(self) -> list[str]:
        expect(self.page.get_by_test_id("version-row").first).to_be_visible()
        return self.page.get_by_test_id("version-row").all_inner_texts()

    def job_rows(self) -> list[str]:
        expect(self.page.get_by_test_id("model-job-row").first).to_be_visible()
        return self.page.get_by_test_id("model-job-row").all_inner_texts()

    def deployments_text(self) -> str:
        return self.page.get_by_test_id("model-deployments").inner_text()

    def tags(self) -> list[str]:
        return self.page.get_by_test_id("model-tags").locator("li").all_inner_texts()

    def node_count(self, category: str) -> int:
        return int(self.page.get_by_test_id(f"node-count-{category}").locator("td").inner_text())

    def attach_tokenizer(self, path: Path) -> str:
        """Upload a tokenizer.json in the Tokenizer section; returns what the section then says is attached."""
        summary = self.page.get_by_test_id("tokenizer-summary")
        self._upload_tokenizer(path)
        # The empty state says "No tokenizer attached to v1.", so wait for this file's name, not the phrase.
        expect(summary).to_contain_text(f"{path.name} attached to", timeout=30_000)
        expect(self.page.get_by_role("button", name="Uploading…")).to_have_count(0)
        return summary.inner_text()

    def attach_tokenizer_expecting_rejection(self, path: Path) -> str:
        """Upload a file the server refuses; returns the reason shown beside the file field."""
        self._upload_tokenizer(path)
        errors = self.page.get_by_test_id("field-error-file")
        expect(errors).to_be_visible(timeout=30_000)
        return errors.inner_text()

    def _upload_tokenizer(self, path: Path) -> None:
        section = self.page.get_by_test_id("tokenizer")
        section.get_by_label(re.compile(r"^(Attach a|Replace the) tokenizer$")).set_input_files(str(path))
        section.get_by_role("button", name="Upload").click()

    def optimize(self, *, recipe: str, accuracy_budget: str | None = None) -> "JobPage":
        form = self.page.get_by_test_id("optimize-form")
        form.get_by_label("Recipe").select_option(recipe)
        if accuracy_budget is not None:
            form.get_by_label(re.compile("Accuracy budget")).fill(accuracy_budget)
        form.get_by_role("button", name="Optimize").click()
        expect(self.page).to_have_url(re.compile(r"/jobs/\d+$"))
        job = JobPage(self.page, self.screenshots)
        expect(job.status).to_be_visible()
        return job


    def optimize_with_keyboard(self, *, recipe: str) -> "JobPage":
        """Land on #optimize (the list's row action), pick the recipe with arrow keys, submit with Enter."""
        self.page.goto(self.page.url.split("#")[0] + "#optimize")
        self.page.reload()
        recipe_field = self.page.get_by_test_id("optimize-form").get_by_label("Recipe")
        expect(recipe_field).to_be_focused()
        self.page.keyboard.press("Home")
        while recipe_field.input_value() != recipe:
            self.page.keyboard.press("ArrowDown")
        self.page.get_by_label(re.compile("Accuracy budget")).focus()
        self.page.keyboard.press("Enter")
        expect(self.page).to_have_url(re.compile(r"/jobs/\d+$"))
        job = JobPage(self.page, self.screenshots)
        expect(job.status).to_be_visible()
        return job


    def preprocessing(self) -> str:
        return self.page.get_by_test_id("model-preprocessing").inner_text()

    def edit_preprocessing(self, *, layout: str, color: str, scale: str, mean: str, std: str) -> str:
        """Opens the Edit model form and sets the image preprocessing; returns the editor's summary."""
        self.page.get_by_test_id("edit-model").click()
        editor = self.page.get_by_test_id("preprocessing-editor")
        editor.get_by_label("Save preprocessing for this model").check()
        editor.get_by_label("Layout").select_option(layout)
        editor.get_by_label("Channel order").select_option(color)
        editor.get_by_label(re.compile(r"^Scale")).fill(scale)
        editor.get_by_label("Mean per channel").fill(mean)
        editor.get_by_label("Std per channel").fill(std)
        editor.scroll_into_view_if_needed()
        return editor.get_by_test_id("preprocessing-summary").inner_text()

    def load_model_labels(self, path: Path) -> str:
        """In the open Edit model form, loads a label file into "Class labels"; returns what it then shows."""
        editor = self.page.get_by_test_id("labels-editor")
        editor.get_by_label(re.compile(r"^(Label file|Replace with a label file)")).set_input_files(str(path))
        summary = editor.get_by_test_id("labels-summary")
        expect(summary).not_to_have_text("None saved.")
        editor.scroll_into_view_if_needed()
        return summary.inner_text()

    def labels(self) -> str:
        return self.page.get_by_test_id("model-labels").inner_text()

    def save_edits(self) -> None:
        self.page.get_by_role("button", name="Save changes").click()
        expect(self.page.get_by_test_id("edit-model-form")).to_have_count(0)


class JobPage(ConsolePage):
    @property
    def status(self):
        return self.page.get_by_test_id("job-status")

    def wait_until_finished(self, *, timeout_s: float) -> str:
        """Waits for the page's own polling to show a final state; returns the status."""
        expect(self.status).to_have_text(JOB_FINAL_STATUS, timeout=timeout_s * 1000)
        return self.status.inner_text()

    def error(self) -> str:
        locator = self.page.get_by_test_id("job-error")
        return locator.inner_text() if locator.count() else ""

    def log_lines(self) -> list[str]:
        log = self.page.get_by_test_id("job-log")
        if not log.is_visible():  # the log folds away once the report is shown
            self.page.get_by_text(re.compile(r"^Log \(")).click()
        return log.locator("li").all_inner_texts()

    def overall_speedup(self) -> str:
        return self.page.get_by_test_id("overall-speedup").inner_text()

    def open_section(self, section_id: str) -> None:
        """The report folds its long tables (candidates, optimizations, kernels, hardware): unfold one."""
        section = self.page.get_by_test_id(f"section-{section_id}")
        if section.get_attribute("open") is None:
            section.locator("summary").first.click()
        expect(section).to_have_attribute("open", "")

    def open_every_section(self) -> None:
        """Unfold every folded part of the report: the long tables a phone must show as cards."""
        for section in self.page.locator("details[data-testid^='section-report-']").all():
            self.open_section(section.get_attribute("data-testid").removeprefix("section-"))

    def section_is_open(self, section_id: str) -> bool:
        return self.page.get_by_test_id(f"section-{section_id}").get_attribute("open") is not None

    def optimization_rows(self) -> list[str]:
        self.open_section("report-optimizations")
        return self.page.get_by_test_id("optimization-row").all_inner_texts()

    def kernel_counts(self, category: str) -> tuple[str, str]:
        self.open_section("report-kernels")
        cells = self.page.get_by_test_id(f"kernels-row-{category}").locator("td").all_inner_texts()
        return cells[0], cells[1]

    def shipped_words(self) -> str:
        return self.page.get_by_test_id("shipped-words").inner_text()

    def shipped_rows(self) -> list[str]:
        return self.page.get_by_test_id("shipped-row").all_inner_texts()

    def plotted_candidates(self) -> list[str]:
        """The status of each candidate the speed-up/accuracy plot places."""
        expect(self.page.get_by_test_id("candidate-plot")).to_be_visible()
        return [point.get_attribute("data-status") or "" for point in self.page.get_by_test_id("plot-point").all()]

    def percentile_shapes(self) -> int:
        expect(self.page.get_by_test_id("percentile-chart")).to_be_visible()
        return self.page.get_by_test_id("percentile-group").count()

    def page_height(self) -> int:
        return int(self.page.evaluate("document.documentElement.scrollHeight"))

    def accuracy_verdict(self) -> str:
        return self.page.get_by_test_id("accuracy-verdict").inner_text()

    def shape_rows(self) -> list[str]:
        return self.page.get_by_test_id("shape-row").all_inner_texts()

    def candidate_rows(self) -> list[str]:
        self.open_section("report-candidates")
        return self.page.get_by_test_id("candidate-row").all_inner_texts()

    def package_href(self) -> str:
        return self.page.get_by_test_id("download-package").get_attribute("href") or ""

    def export_triton(self, name: str) -> str:
        """Writes the Triton repository; returns the --model-repository the page shows."""
        self.page.get_by_label("Name", exact=True).fill(name)
        self.page.get_by_role("button", name="Write Triton repository").click()
        return self.page.get_by_test_id("triton-repository").inner_text()

    def kserve_manifest(self) -> str:
        self.page.get_by_role("button", name="KServe manifest").click()
        return self.page.get_by_test_id("kserve-manifest").inner_text()

    def cancel(self) -> None:
        self.page.get_by_role("button", name="Cancel job").click()

    def cancel_with_keyboard(self) -> None:
        self.page.get_by_role("button", name="Cancel job").focus()
        self.page.keyboard.press("Enter")

    def deploy(self, *, require_access_token: bool = False) -> "DeploymentPage":
        self.page.get_by_label("Require an access token").set_checked(require_access_token)
        self.page.get_by_test_id("deploy-button").click()
        expect(self.page).to_have_url(re.compile(r"/deployments/\d+$"), timeout=30_000)
        deployment = DeploymentPage(self.page, self.screenshots)
        expect(deployment.status).to_be_visible()
        return deployment


class DeploymentPage(ConsolePage):
    @property
    def status(self):
        return self.page.get_by_test_id("deployment-status")

    def traffic_charts(self, *, timeout_s: float) -> list[str]:
        """Waits for the deployment-health charts to show traffic (drawn once the platform has two
        samples of the engine's counters, with a rate once a sample after the calls exists; the
        panel polls every 10 s) and returns each chart's accessible summary."""
        charts = self.page.get_by_test_id("traffic-charts")
        expect(charts).to_be_visible(timeout=timeout_s * 1000)
        summaries = charts.locator("[role=img][aria-label]")
        expect(summaries.first).not_to_have_attribute("aria-label", re.compile(r"highest 0\.00/s"),
                                                      timeout=timeout_s * 1000)
        return [chart.get_attribute("aria-label") or "" for chart in summaries.all()]

    def traffic_requests(self) -> int:
        """The calls the engine has counted for this deployment since it started."""
        return int(re.sub(r"[^0-9]", "", self.page.get_by_test_id("traffic-requests").inner_text()) or 0)

    def wait_until_settled(self, *, timeout_s: float) -> str:
        expect(self.status).to_have_text(DEPLOYMENT_FINAL_STATUS, timeout=timeout_s * 1000)
        return self.status.inner_text()

    def stop(self, *, timeout_s: float) -> str:
        """Stops the deployment; returns the status it ends in (stopped, or failed)."""
        self.page.get_by_role("button", name="Stop deployment").click()
        expect(self.status).to_have_text(re.compile(r"^(stopped|failed)$"), timeout=timeout_s * 1000)
        return self.status.inner_text()

    def message(self) -> str:
        locator = self.page.get_by_test_id("deployment-message")
        return locator.inner_text() if locator.count() else ""

    def endpoint_url(self) -> str:
        return self.page.get_by_test_id("endpoint-url").inner_text().strip()

    def access_token(self) -> str:
        return self.page.get_by_test_id("access-token").inner_text().strip()

    def curl_snippet(self) -> str:
        return self.page.get_by_test_id("snippet-curl").inner_text()

    def python_snippet(self) -> str:
        return self.page.get_by_test_id("snippet-python").inner_text()

    def health(self) -> str:
        locator = self.page.get_by_test_id("deployment-health")
        expect(locator).to_contain_text("model ready", timeout=30_000)
        return locator.inner_text()

    def send_test_inference_with_keyboard(self) -> str:
        """Focus the send button and press Enter; returns the answer's status line and body."""
        button = self.page.get_by_test_id("infer-send")
        expect(button).to_be_enabled()
        button.focus()
        self.page.keyboard.press("Enter")
        status = self.page.get_by_test_id("infer-status")
        expect(status).to_be_visible(timeout=30_000)
        # The raw response sits in a folded <details> under the rendered outputs: its text, not what shows.
        return status.inner_text() + "\n" + (self.page.get_by_test_id("infer-response").text_content() or "")


    def type_text(self, text: str) -> list[str]:
        """In the try-it form's Text mode, type `text`; returns its tokens once the server has tokenized them."""
        form = self.page.get_by_test_id("infer-form")
        form.get_by_label("Text (tokenized)").check()
        form.get_by_label("Text", exact=True).fill(text)
        tokens = self.page.get_by_test_id("infer-text-tokens")
        expect(tokens).to_be_visible(timeout=15_000)
        # Each token is shown with its id beside it (in its title too, which the token's own text lacks).
        return [item.evaluate("e => e.firstChild.textContent") for item in tokens.get_by_role("listitem").all()]

    def token_summary(self) -> str:
        return self.page.get_by_test_id("infer-text-summary").inner_text()

    def embedding_norm(self, output: str) -> str:
        return self.page.get_by_test_id(f"embedding-norm-{output}").inner_text()

    def load_labels(self, path: Path) -> None:
        form = self.page.get_by_test_id("infer-form")
        form.get_by_text(re.compile(r"^Class labels")).click()
        form.get_by_label(re.compile(r"^Label file")).set_input_files(str(path))
        expect(form.get_by_text(re.compile(r"^Class labels \(\d+ loaded in this browser\)"))).to_be_visible()

    def labels_in_use(self) -> str:
        """The try-it form's summary of whose labels name the classes ("Class labels (10 saved on the model)")."""
        return self.page.get_by_test_id("infer-form").locator(".infer-labels summary").inner_text()

    def try_picture(self, path: Path) -> str:
        """Chooses "Picture", picks the file, and sends it; returns what the form said it applied."""
        form = self.page.get_by_test_id("infer-form")
        form.get_by_label("Picture", exact=True).check()
        form.get_by_label("Picture (PNG, JPEG or WebP)").set_input_files(str(path))
        applied = self.page.get_by_test_id("infer-image-applied")
        expect(applied).to_contain_text(path.name)
        expect(form.get_by_role("img", name=re.compile("chosen picture"))).to_be_visible()
        self.page.get_by_test_id("infer-send").click()
        expect(self.page.get_by_test_id("infer-status")).to_be_visible(timeout=30_000)
        return applied.inner_text()

    def detection_boxes(self) -> list[dict]:
        """Each box drawn over the picture: its label text and its rect (x, y, width, height) in the picture's pixels."""
        overlay = self.page.get_by_test_id("detection-overlay")
        expect(overlay).to_be_visible()
        return [{"text": box.locator("text").text_content() or "",
                 "rect": [float(box.locator("rect").get_attribute(name) or "nan") for name in ("x", "y", "width", "height")]}
                for box in overlay.get_by_test_id("detection-box").all()]

    def detection_geometry(self) -> tuple[dict, dict]:
        """On screen: the picture's box, and the first detection's box."""
        overlay = self.page.get_by_test_id("detection-overlay")
        return overlay.locator("img").bounding_box(), overlay.get_by_test_id("detection-box").first.locator("rect").bounding_box()

    def top_classes(self, output: str) -> list[list[str]]:
        """The top-k table of an output's first item: [class, label, score, probability] per row."""
        table = self.page.get_by_test_id(f"topk-{output}-0")
        expect(table).to_be_visible()
        return [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]


class DashboardPage(ConsolePage):
    def open(self) -> "DashboardPage":
        self.page.goto("/dashboard")
        expect(self.page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
        self.wait_until_loaded()
        return self

    def share_above_1_1(self) -> str:
        return self.page.get_by_test_id("dashboard-share").inner_text()

    def jobs(self) -> int:
        return int(self.page.get_by_test_id("dashboard-jobs").inner_text())

    def histogram_label(self) -> str:
        return self.page.get_by_test_id("speedup-histogram").get_attribute("aria-label") or ""


class TokensPage(ConsolePage):
    def open(self) -> "TokensPage":
        self.page.goto("/tokens")
        expect(self.page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
        self.wait_until_loaded()
        return self

    def create_with_keyboard(self, name: str) -> str:
        """Focus the name field, type, Enter; returns the secret shown once."""
        field = self.page.get_by_test_id("token-form").get_by_label("Name")
        field.focus()
        self.page.keyboard.type(name)
        self.page.keyboard.press("Enter")
        secret = self.page.get_by_test_id("new-token")
        expect(secret).to_be_visible()
        return secret.inner_text().strip()

    def rows(self) -> list[str]:
        return self.page.get_by_test_id("token-row").all_inner_texts()

    def revoke(self, name: str) -> None:
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.page.get_by_role("button", name=f"Revoke {name}").click()
        expect(self.page.get_by_role("button", name=f"Revoke {name}")).to_have_count(0)


class WebhooksPage(ConsolePage):
    def open(self) -> "WebhooksPage":
        self.page.goto("/webhooks")
        expect(self.page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
        self.wait_until_loaded()
        return self

    def add_with_keyboard(self, url: str) -> str:
        """Focus the URL field, type, Enter; returns the signing secret shown."""
        self.page.get_by_test_id("webhook-form").get_by_label("URL").focus()
        self.page.keyboard.type(url)
        self.page.keyboard.press("Enter")
        secret = self.page.get_by_test_id("webhook-secret")
        expect(secret).to_be_visible()
        return secret.inner_text().strip()

    def urls(self) -> list[str]:
        return self.page.get_by_test_id("webhook-row").locator("code").all_inner_texts()

    def delete(self, url: str) -> None:
        self.page.once("dialog", lambda dialog: dialog.accept())
        self.page.get_by_role("button", name=f"Delete webhook {url}").click()
        expect(self.page.get_by_role("button", name=f"Delete webhook {url}")).to_have_count(0)


class JobsListPage(ListPage):
    """The Jobs list with its compare checkboxes."""

    def open(self) -> "JobsListPage":
        self.page.goto("/jobs")
        expect(self.page.get_by_role("heading", name="Optimization jobs")).to_be_visible()
        self.wait_until_loaded()
        return self

    def tick_for_compare(self, job_id: int) -> None:
        self.page.get_by_role("checkbox", name=f"Compare job #{job_id}").check()

    def compare(self) -> "ComparePage":
        self.page.get_by_test_id("compare-link").click()
        expect(self.page).to_have_url(re.compile(r"/compare\?jobs="))
        compare = ComparePage(self.page, self.screenshots)
        compare.wait_until_shown()
        return compare


class ComparePage(ConsolePage):
    """Jobs side by side: one column per job, rows read back as lists of cell texts."""

    def open(self, job_ids: list[int]) -> "ComparePage":
        self.page.goto(f"/compare?jobs={','.join(map(str, job_ids))}")
        self.wait_until_shown()
        return self

    def wait_until_shown(self) -> None:
        expect(self.page.get_by_test_id("compare-table")).to_be_visible()
        expect(self.page.get_by_text("loading…")).to_have_count(0)

    def columns(self) -> list[str]:
        return self.page.get_by_test_id("compare-column").all_inner_texts()

    def cells(self, row_testid: str) -> list[str]:
        return self.page.get_by_test_id(row_testid).locator("td").all_inner_texts()

    def shape_labels(self) -> list[str]:
        return self.page.get_by_test_id("compare-shape-row").locator("th").all_inner_texts()

    def remove(self, job_id: int) -> None:
        self.page.get_by_role("button", name=f"Remove job #{job_id} from the comparison").click()



class TeamsPage(ConsolePage):
    """Teams: create, invite, and the owner's and admins' controls on each member's row."""

    def open(self) -> "TeamsPage":
        self.page.goto("/teams")
        expect(self.page.get_by_role("heading", name="Teams", level=1)).to_be_visible()
        self.wait_until_loaded()
        return self

    def team(self, name: str):
        return self.page.get_by_test_id("team-row").filter(has=self.page.get_by_role("heading", name=name, exact=True))

    def create(self, name: str) -> None:
        form = self.page.get_by_test_id("team-form")
        form.get_by_label("Name").fill(name)
        form.get_by_role("button", name="Create team").click()
        expect(self.team(name)).to_be_visible()

    def invite(self, team: str, username: str) -> str:
        row = self.team(team)
        row.get_by_label("Invite by username").fill(username)
        row.get_by_role("button", name="Invite", exact=True).click()
        notice = row.get_by_test_id("invite-notice")
        expect(notice).to_be_visible()
        return notice.inner_text()

    def roles(self, team: str) -> dict[str, str]:
        """Each member's role as the members table shows it."""
        rows = self.team(team).get_by_test_id("team-member")
        expect(rows.first).to_be_visible()
        return {row.locator("th").inner_text().removesuffix(" (you)"): row.get_by_test_id("member-role").inner_text()
                for row in rows.all()}

    def press(self, button_name: str, *, confirm: bool = False) -> None:
        """Focus a row's button and press Enter, as a keyboard user would; accept the confirmation."""
        if confirm:
            self.page.once("dialog", lambda dialog: dialog.accept())
        button = self.page.get_by_role("button", name=button_name)
        button.focus()
        expect(button).to_be_focused()
        self.page.keyboard.press("Enter")

    def my_role(self, team: str) -> str:
        return self.team(team).get_by_test_id("my-role").inner_text()
