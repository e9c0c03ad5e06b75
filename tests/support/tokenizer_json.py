"""Hugging Face tokenizer.json files built by the tests with the `tokenizers` library (nothing is
downloaded): a word-level vocabulary trained on a few sentences, with BERT's special tokens."""

from __future__ import annotations

SENTENCES = ("the cat sat on the mat", "a dog ran in the park", "whetstone makes models fast")
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


def word_level_tokenizer(sentences=SENTENCES, *, pair_template: bool = True) -> str:
    """tokenizer.json text: lower-cased, split on whitespace and punctuation, `[CLS] text [SEP]`;
    ids 0-3 are [PAD], [UNK], [CLS], [SEP], then the words by frequency."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator(list(sentences), trainer=trainers.WordLevelTrainer(special_tokens=SPECIAL_TOKENS))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1" if pair_template else None,
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tokenizer.to_str()
