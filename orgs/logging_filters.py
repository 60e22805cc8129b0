"""Keep set-password tokens out of log lines (issue 7: no token in a page or a log).

The invitation and forgotten-password links carry a one-time token in their path
(`/accounts/reset/<uidb64>/<token>/`); request logs (runserver's `django.server`, `django.request`)
would print it. This filter replaces the token with `***` in every record it sees.
"""

from __future__ import annotations

import logging
import re

RESET_PATH = re.compile(r"(/accounts/reset/[^/\s]+/)(?!set-password/)[^/\s\"]+")


class RedactResetTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = RESET_PATH.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
