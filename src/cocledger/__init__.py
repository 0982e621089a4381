"""cocledger: a Code of Conduct enforcement process over a git-backed YAML case ledger."""

__version__ = "0.1.0"
