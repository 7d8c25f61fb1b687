"""The sync engine: protocol, op log and conflict rules, independent of HTTP.

Nothing here imports the server or Litestar; the server uses this package, not the reverse.
"""
