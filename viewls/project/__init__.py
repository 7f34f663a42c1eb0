"""The project model: ``viewls.toml``, view files, extract registrations, view metadata.

Architecture invariant: nothing here raises on bad input; every problem is a
diagnostic carried by the result. Nothing here knows about SQL semantics beyond
identifier folding, nor about the language server.
"""

from viewls.project.config import (
    CONFIG_FILE,
    DEFAULT_OUTPUT,
    DEFAULT_VIEWS,
    ExtractConfig,
    ProjectConfig,
    load_config,
)
from viewls.project.discover import discover_files, find_project_root
from viewls.project.extracts import ExtractInfo, resolve_extract
from viewls.project.formats import FORMATS
from viewls.project.metadata import OrderingKey, ViewMetadata, parse_metadata
from viewls.project.types import ArrowTypeError, format_arrow_type, parse_arrow_type

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_OUTPUT",
    "DEFAULT_VIEWS",
    "FORMATS",
    "ArrowTypeError",
    "ExtractConfig",
    "ExtractInfo",
    "OrderingKey",
    "ProjectConfig",
    "ViewMetadata",
    "discover_files",
    "find_project_root",
    "format_arrow_type",
    "load_config",
    "parse_arrow_type",
    "parse_metadata",
    "resolve_extract",
]
