"""`whetstone`: the command line for CI pipelines, over the public REST API."""
