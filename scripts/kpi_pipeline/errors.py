"""Exceptions the orchestrator turns into exit codes (never into tracebacks)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1  # a handled failure: a failed dbt test, model or expectation
EXIT_ERROR = 2  # an error: bad config, missing file, unreachable warehouse, lock held


class PipelineError(Exception):
    """An expected error: printed as one line on stderr, exit code 2."""

    exit_code = EXIT_ERROR


class LockHeldError(PipelineError):
    """Another run holds the lock for this target."""
