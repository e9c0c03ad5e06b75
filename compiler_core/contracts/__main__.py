"""Rewrite the committed JSON Schema files from the contracts: `python -m compiler_core.contracts`."""

from . import SCHEMA_DIR, SCHEMA_FILES, render_schema

if __name__ == "__main__":
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name in SCHEMA_FILES:
        (SCHEMA_DIR / name).write_text(render_schema(name))
        print(f"wrote {SCHEMA_DIR / name}")
