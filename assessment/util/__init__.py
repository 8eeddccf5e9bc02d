"""The bottom layer, imported by everything: exact numbers (`exact`) and how they are shown
(`formatting`), the exception base and exit codes (`errors`), terminal-safe text (`console`),
crash-safe files (`fsutil`) and the one xlsx cell policy (`xlsx`)."""
