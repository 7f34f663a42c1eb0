"""IDE features as pure functions of (snapshot, file, offset): hover, completion,
navigation, references, rename, symbols, lenses, hints, semantic tokens, signature help.

They read what analysis produced and never change it: analysis (the incremental host and
its snapshot) knows nothing of them, and they speak plain data (offsets, labels), never
protocol types, which only viewls/lsp converts.
"""
