"""The errors Lamplighter reports to the editor; each message is meant to be read as it is."""


class SettingsError(Exception):
    """The settings are wrong; the message names the setting (and the source) to fix."""


class SourceError(Exception):
    """One source could not be gathered; the message is the one-line reason shown in the report."""
