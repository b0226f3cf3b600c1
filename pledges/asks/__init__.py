"""Asks: a project's call for help (skills, hours wanted, by when), the offers of hours people
make to it, and the skills people list so asks find them. Pledged hours answer an ask when a
logged contribution names it; only approved hours count toward it.

The models belong to the pledges app (`pledges.models` imports them), so a contribution can
name the ask it answers; the rest of the feature lives in this package.
"""
