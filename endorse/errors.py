"""Errors of the domain: raised by operations, turned into pages by the views."""


class DomainError(Exception):
    """A request that the rules of the domain refuse; nothing was changed."""


class ConfigError(Exception):
    """The configuration cannot run the app; the message says what to set, in one line."""


class NotFound(DomainError):
    """No endorsement has that id."""
