"""Photos and signatures: content-addressed by SHA-256, uploaded resumably, cleaned.

See `service` (receiving, serving, references), `store` (the files on disk) and
`images` (sniffing and re-encoding photos).
"""
