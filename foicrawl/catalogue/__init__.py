"""The catalogue derived from the archive: tables (models), connections (session), releases and
their versions read and written (releases), and export formats (export). Imports foundations only."""
