"""`make bench`: sync throughput as ratios against baselines measured in the same run.

Nothing here is a timed test: the figures are printed, compared with an aim and kept in
`bench/last-run.txt`; they never fail a build.
"""
