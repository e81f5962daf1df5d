"""The standard shipped with the tool, loaded once for all tests (the pipeline takes it as an argument)."""

from pipeline.standard import load_standard

STD = load_standard()
