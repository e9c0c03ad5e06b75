"""Front ends turn what users have (ONNX files, TorchScript, PyTorch modules) into ONNX."""

from .onnx_file import load_onnx, sniff_format

__all__ = ["load_onnx", "sniff_format"]
