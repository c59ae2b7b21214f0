"""mlscaffold: answer a few questions about your ML team, get a ready-to-run pipeline repository."""

__version__ = "0.1.0"
