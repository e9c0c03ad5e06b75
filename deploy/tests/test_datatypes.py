"""signature.json dtypes, however the compiler core spells them, map to one V2 datatype."""

import numpy as np
import pytest

from deploy.serving.datatypes import numpy_dtype, v2_datatype, v2_shape


@pytest.mark.parametrize(
    "spellings, datatype",
    [
        (["float32", "tensor(float)", "FP32", "float"], "FP32"),
        (["int64", "tensor(int64)", "INT64"], "INT64"),
        (["float16", "tensor(float16)", "FP16"], "FP16"),
        (["bool", "tensor(bool)", "BOOL"], "BOOL"),
        (["string", "tensor(string)", "BYTES"], "BYTES"),
    ],
)
def test_every_spelling_of_a_dtype_gives_the_same_v2_datatype(spellings, datatype):
    assert {v2_datatype(spelling) for spelling in spellings} == {datatype}
    assert len({numpy_dtype(spelling) for spelling in spellings}) == 1


def test_unknown_dtype_is_named_in_the_error():
    with pytest.raises(ValueError, match="complex-ish"):
        numpy_dtype("complex-ish")


def test_symbolic_and_unknown_dims_become_minus_one():
    assert v2_shape(["batch", 3, None, -1, "seq"]) == [-1, 3, -1, -1, -1]
    assert v2_datatype(np.dtype("float64")) == "FP64"
