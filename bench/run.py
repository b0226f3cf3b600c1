"""The benchmark (issue: measured speed at regional scale) is not written yet.

`make bench` runs this file so the target exists; it says so and exits cleanly.
"""

print("No benchmark yet: bench/run.py will seed a scale-100 database and load-test the portal.")
