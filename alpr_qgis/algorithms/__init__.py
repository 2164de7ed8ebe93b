"""Processing algorithms: thin wrappers that turn parameters into core calls."""
