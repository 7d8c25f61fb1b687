"""The organisation tree and the reference lists every role reads."""
