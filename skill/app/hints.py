"""What to do next, in terms of this program's own commands: added where errors are shown.

The layers below describe what is wrong in their own terms; only the face knows the commands and
options a person can use to put it right.
"""

from __future__ import annotations

from audio.errors import ModelError, UnknownVoiceError
from audio.model import ENV_VAR

MODEL_HINT = (
    "Get the model with `make setup` (in the source folder) or `neck-coach model download`, "
    f"or point to one with --model PATH or {ENV_VAR}=PATH."
)
VOICES_HINT = "See the installed voices with: neck-coach voices"
DATA_HINT = "Fix them, then check again with: neck-coach validate"


def data_hint(data_dir: str | None) -> str:
    """The validate command to run again, keeping the data folder the user chose."""
    if data_dir is None:
        return DATA_HINT
    import shlex

    return (
        f"Fix them, then check again with: neck-coach --data-dir {shlex.quote(data_dir)} validate"
    )


def with_hint(error: Exception) -> str:
    """The error's message and, for the kinds a person can fix with a command, that command."""
    if isinstance(error, ModelError):
        return f"{error} {MODEL_HINT}"
    if isinstance(error, UnknownVoiceError):
        return f"{error} {VOICES_HINT}"
    return str(error)
