"""The consultant's data and its rules. Never imports Textual."""

from .errors import (
    AmbiguousError,
    DataFileError,
    NotFoundError,
    ReferencedError,
    RelanceError,
    UnsafeFileError,
    ValidationError,
)
from .models import MODELS, Contact, Interaction, Mission, Opportunity, Record, Review, Settings, Target
from .paths import default_data_path, resolve_data_path
from .repository import KINDS, Repository

__all__ = [
    "AmbiguousError", "Contact", "DataFileError", "Interaction", "KINDS", "MODELS", "Mission",
    "NotFoundError", "Opportunity", "Record", "ReferencedError", "RelanceError", "Repository",
    "Review", "Settings", "Target", "UnsafeFileError", "ValidationError", "default_data_path",
    "resolve_data_path",
]
