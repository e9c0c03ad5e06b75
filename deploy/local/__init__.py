"""Runs the whole platform on one machine: `make run` and the end-to-end tests."""
