"""Demo data for `seed_demo`: YAML files next to each app, loaded through the services.

hub/demo/people.yaml, directory/demo/region.yaml, events/demo/events.yaml (with the
unconference's programme) and pledges/demo/pledges.yaml hold the content; portal/demo/dates.py
reads their one date notation; the loaders here make every row the way people and staff would,
through the apps' services, so demo data can never reach a state the product cannot: what a
service refuses stops the load with a DemoError that names the file's entry. `scale` adds
generated rows in bulk with factory_boy for benchmarks.
"""
