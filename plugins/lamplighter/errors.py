"""The errors Lamplighter reports to the editor; each message is meant to be read as it is."""


class SettingsError(Exception):
    """The settings are wrong; the message names the setting (and the source) to fix."""


class SourceError(Exception):
    """One source could not be gathered; the message is the one-line reason shown in the report."""


class StateError(Exception):
    """A file Lamplighter keeps or reads is damaged, locked or cannot be written; the message names it."""


class DraftError(StateError):
    """The draft cannot be gathered into as it is; the message is `FILE:LINE: what to fix`."""

    def __init__(self, path: object, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message
