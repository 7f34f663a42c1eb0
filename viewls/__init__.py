"""viewls: language server, checker and materializer for view-first SQL projects."""

__version__ = "0.1.0"
