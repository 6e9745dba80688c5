"""Document builders: bytes in, bytes out (the printable label, re-encoded photos).

They talk to no database and no partner, so adapters (the local carrier draws its labels
here) and services can both use them; they import nothing else of the backend.
"""
