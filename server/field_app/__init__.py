"""The field app (`pwa/`) as the server sees it: its offline shell list, icons and serving."""
