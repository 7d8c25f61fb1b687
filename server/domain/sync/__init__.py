"""The server side of the sync engine: change capture, the op log, push and pull.

The protocol itself (wire types, cursors, order, hash chain) is the `sync` package;
this package binds it to the database and to the domain services.
"""
