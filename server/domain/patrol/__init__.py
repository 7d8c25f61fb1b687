"""Patrol master data: checkpoints and routes, as the guards' contractor may see them."""
