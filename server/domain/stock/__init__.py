"""The stock catalogue and stores. The ledger of movements comes with the stock issue."""
