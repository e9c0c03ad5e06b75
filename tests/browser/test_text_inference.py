"""Text for a token-id model, end to end in Chromium against the real stack: a user attaches the
model's tokenizer.json on the model page, optimizes and deploys it, types a sentence in the try-it
form, sees its tokens, and gets the sentence's embedding from the serving engine."""

from __future__ import annotations

import json
import uuid

import numpy as np
import onnxruntime
import pytest
from playwright.sync_api import expect

from tests.support.models import token_embedding_mean
from tests.support.tokenizer_json import word_level_tokenizer

from .pages import LoginPage
from .test_console_flow import DEPLOY_TIMEOUT_S, JOB_TIMEOUT_S, WIDE, assert_fits_narrow_screen

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

SEQUENCE = 16
SENTENCE = "The cat sat on the mat"


def test_type_text_into_a_deployed_token_id_model(stack, browser_page, screenshots, tmp_path):
    run = uuid.uuid4().hex[:8]
    # New weights on every run: the worker caches tuning results by the model's SHA-256.
    model_file = token_embedding_mean(tmp_path / "encoder.onnx", sequence=SEQUENCE, seed=uuid.uuid4().int % 2**32)
    tokenizer_json = word_level_tokenizer()
    tokenizer_file = tmp_path / "tokenizer.json"
    tokenizer_file.write_text(tokenizer_json)
    not_a_tokenizer = tmp_path / "config.json"
    not_a_tokenizer.write_text(json.dumps({"architectures": ["BertModel"], "vocab_size": 30522}))

    models = LoginPage(browser_page, screenshots).open().log_in(stack.admin_username, stack.admin_password)
    detail = models.upload(model_file, name=f"text-encoder-{run}", description="Gather, masked mean; 16 tokens")
    assert '"model" object' in detail.attach_tokenizer_expecting_rejection(not_a_tokenizer)
    summary = detail.attach_tokenizer(tokenizer_file)
    assert "tokenizer.json attached to v1: WordLevel, 18 tokens" in summary, summary
    expect(browser_page.get_by_test_id("field-error-file")).to_have_count(0)
    detail.screenshot("01-model-tokenizer")

    job = detail.optimize(recipe="lossless")
    status = job.wait_until_finished(timeout_s=JOB_TIMEOUT_S)
    assert status == "succeeded", f"job ended {status}: {job.error()}"
    deployment = job.deploy()
    assert deployment.wait_until_settled(timeout_s=DEPLOY_TIMEOUT_S) == "ready", deployment.message()

    browser_page.set_viewport_size(WIDE)
    tokens = deployment.type_text(SENTENCE)
    assert tokens == ["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"], tokens
    assert deployment.token_summary() == "8 tokens, padded to 16 with [PAD]"
    answer = deployment.send_test_inference_with_keyboard()
    assert "HTTP 200" in answer and '"sentence_embedding"' in answer, answer

    # The norm shown is the embedding of the sentence as the tokenizers library encodes it, run
    # here on the original model: the engine got the right ids, the mask and the padding.
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.enable_padding(length=SEQUENCE, pad_id=tokenizer.token_to_id("[PAD]"), pad_token="[PAD]")
    encoding = tokenizer.encode(SENTENCE)
    (expected,) = onnxruntime.InferenceSession(str(model_file)).run(None, {
        "input_ids": np.array([encoding.ids], np.int64), "attention_mask": np.array([encoding.attention_mask], np.int64)})
    shown = float(deployment.embedding_norm("sentence_embedding"))
    assert shown == pytest.approx(float(np.linalg.norm(expected)), rel=1e-3), (shown, np.linalg.norm(expected))
    deployment.screenshot("02-text-inference-1440")
    assert_fits_narrow_screen(deployment, "03-text-inference-390")

    assert deployment.stop(timeout_s=DEPLOY_TIMEOUT_S) == "stopped", deployment.message()
