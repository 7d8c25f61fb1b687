"""Reading barcodes from photos a phone could not decode itself."""
