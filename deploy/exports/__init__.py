"""Deploy targets other than our own MLServer: Triton model repositories and KServe manifests."""
