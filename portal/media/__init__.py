"""Children's pictures and voice notes: checked, re-made, stored and served safely.

``pipeline`` turns uploaded bytes into clean bytes (or refuses them), ``storage`` keeps
them on disk under generated names, ``serving`` sends them back with defensive headers,
and ``models`` records each stored file.
"""
