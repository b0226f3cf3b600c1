"""Who uses what: an organization says it runs, evaluates or stopped using a listed project.

`queries` holds the one visibility rule and what the pages show, `services` every change,
`forms`, `views` and `api` the pages and endpoints, `admin` staff's changelist. The model is
`directory.models.ProjectUse`; who may declare is `directory.permissions`.
"""
