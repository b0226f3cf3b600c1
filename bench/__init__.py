"""The benchmark of the portal (`make bench`): see bench/run.py and the README."""
