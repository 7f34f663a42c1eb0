"""View sources: a file's text in, the view definitions it yields out.

A SQL file yields one view, a dataset spec file one per row (and per template
instance), a builder module what its Python code returns. Each yields *drafts*: a name,
the query's AST with every node positioned in the source file, metadata and the
source's own diagnostics. Analysis derives the rest and never asks what kind of source
a view came from.
"""
