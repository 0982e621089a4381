"""The `coc` command line: typer apps, one module per command group."""
