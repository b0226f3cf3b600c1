"""Demo data for `seed_demo`: the directory of a fictional Baltimore and Mid-Atlantic hub.

Every organization, project and person here is made up; the neighbourhoods and cities are
real. `seed_directory` writes a small, hand-written region (idempotent: rows are matched by
slug, so it is safe to re-run); `seed_scale` adds generated rows in bulk for benchmarks.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from directory.models import ListingStatus, Membership, Organization, Project, ProjectRole, Tag
from directory.search import SEARCH_CONFIG, search_vector_refresh

K = Organization.Kind
S = Organization.SizeBand
R = ProjectRole.Role
H = Project.HelpWanted

# --- Tags ---------------------------------------------------------------------------------

TAGS = [
    ("Python", Tag.Kind.TECHNOLOGY),
    ("Django", Tag.Kind.TECHNOLOGY),
    ("JavaScript", Tag.Kind.TECHNOLOGY),
    ("TypeScript", Tag.Kind.TECHNOLOGY),
    ("Rust", Tag.Kind.TECHNOLOGY),
    ("Go", Tag.Kind.TECHNOLOGY),
    ("Java", Tag.Kind.TECHNOLOGY),
    ("Kubernetes", Tag.Kind.TECHNOLOGY),
    ("PostgreSQL", Tag.Kind.TECHNOLOGY),
    ("Linux", Tag.Kind.TECHNOLOGY),
    ("GIS", Tag.Kind.TECHNOLOGY),
    ("WebAssembly", Tag.Kind.TECHNOLOGY),
    ("Terraform", Tag.Kind.TECHNOLOGY),
    ("civic tech", Tag.Kind.TOPIC),
    ("health IT", Tag.Kind.TOPIC),
    ("open data", Tag.Kind.TOPIC),
    ("accessibility", Tag.Kind.TOPIC),
    ("machine learning", Tag.Kind.TOPIC),
    ("security", Tag.Kind.TOPIC),
    ("education", Tag.Kind.TOPIC),
    ("InnerSource", Tag.Kind.TOPIC),
    ("climate", Tag.Kind.TOPIC),
    ("transit", Tag.Kind.TOPIC),
    ("privacy", Tag.Kind.TOPIC),
    ("data science", Tag.Kind.TOPIC),
    ("documentation", Tag.Kind.TOPIC),
]

# --- Organizations ------------------------------------------------------------------------


def _org(name, kind, place, size, tags, description, **extra):
    city, neighbourhood = place
    slug = slugify(name)
    domain = "example.com" if kind == K.COMPANY else "example.org"
    return {
        "name": name,
        "slug": slug,
        "kind": kind,
        "city": city,
        "neighbourhood": neighbourhood,
        "size_band": size,
        "website": f"https://{slug}.{domain}/",
        "tags": tags,
        "description": description.strip(),
        "innersource": False,
        "featured": False,
        "verified": False,
        **extra,
    }


BALTIMORE = "Baltimore"

ORGANIZATIONS = [
    _org(
        "Formstone Software",
        K.COMPANY,
        (BALTIMORE, "Hampden"),
        S.SMALL,
        ["Python", "Django", "PostgreSQL", "civic tech"],
        """
A small studio in a converted mill on the Jones Falls. We build Django software for cities
and nonprofits, and we publish what we build: if a city paid for it, the next city should not
have to pay for it again.

- Maintainers of **stoopkit** and **pg-tidy**
- Every engineer gets a day a month for upstream work
""",
        innersource=True,
        featured=True,
        verified=True,
    ),
    _org(
        "Tidewater Cloudworks",
        K.COMPANY,
        (BALTIMORE, "Harbor East"),
        S.LARGE,
        ["Kubernetes", "Go", "Terraform", "security"],
        """
Managed cloud infrastructure for hospitals, ports and utilities along the Chesapeake.
Most of our platform is upstream Kubernetes; the operators we write to run it are open
source too. Our InnerSource program started with one shared Terraform module and now
covers 40 internal teams.
""",
        innersource=True,
        verified=True,
    ),
    _org(
        "Clipper Row Analytics",
        K.COMPANY,
        (BALTIMORE, "Fells Point"),
        S.SMALL,
        ["Python", "machine learning", "data science", "open data"],
        """
Data science for people who have to explain their numbers in public. We work with
newsrooms, housing advocates and health departments, and we release our models,
notebooks and cleaning scripts under open licenses so others can check the work.
""",
    ),
    _org(
        "Screen Door Digital",
        K.COMPANY,
        (BALTIMORE, "Station North"),
        S.TINY,
        ["JavaScript", "TypeScript", "accessibility"],
        """
Four designers and developers who think the web should work for everyone who uses it,
including people with screen readers, slow phones and no patience. We maintain
**a11y-sweep** and **plainform**, and we audit public websites for free one week a year.
""",
        verified=True,
    ),
    _org(
        "Bellwether Health Systems",
        K.COMPANY,
        ("Columbia", "Town Center"),
        S.HUGE,
        ["Java", "health IT", "security", "InnerSource"],
        """
Clinical software for community hospitals across Maryland, Delaware and Virginia.
Bellwether runs one of the region's largest InnerSource programs: 600 engineers, one
internal catalog, shared code review across every product line. We sponsor the open
source tools we depend on and contribute to **clearchart**.
""",
        innersource=True,
        verified=True,
        featured=True,
    ),
    _org(
        "Locust Point Logistics Software",
        K.COMPANY,
        (BALTIMORE, "Locust Point"),
        S.MEDIUM,
        ["Rust", "Linux", "PostgreSQL"],
        """
Scheduling and tracking software for container terminals and warehouses. Our job queue,
**crabpot**, started as an internal tool for the port and is now used by teams on three
continents.
""",
    ),
    _org(
        "Marble Step Security",
        K.COMPANY,
        ("Towson", ""),
        S.SMALL,
        ["security", "Go", "privacy"],
        """
Supply-chain security for the software cities and schools actually run. We maintain
open tools for software bills of materials and publish a weekly digest of vulnerabilities
that matter to public bodies.
""",
        verified=True,
    ),
    _org(
        "Ironbridge Energy Data",
        K.COMPANY,
        ("Wilmington", "Riverfront"),
        S.LARGE,
        ["Python", "open data", "climate"],
        """
Grid analytics for electric cooperatives in Delaware and the Eastern Shore. We publish
our grid-load datasets and the code that cleans them, and we run an InnerSource program
so that our metering, forecasting and billing teams share one code base.
""",
        innersource=True,
    ),
    _org(
        "Jones Falls Computing Lab",
        K.LAB,
        (BALTIMORE, "Remington"),
        S.SMALL,
        ["machine learning", "Python", "transit", "WebAssembly"],
        """
An independent research lab studying how algorithms shape city services: bus
headways, inspection schedules, who waits and who does not. Everything we publish
comes with code and data, under licenses that let you reproduce it.
""",
        verified=True,
    ),
    _org(
        "Patapsco Spatial Lab",
        K.LAB,
        (BALTIMORE, "Canton"),
        S.TINY,
        ["GIS", "Python", "open data"],
        """
Maps of the things cities forget: vacant lots, flood-prone alleys, missing sidewalks.
We maintain **baymap** and help community groups turn clipboards into GIS layers.
""",
    ),
    _org(
        "Chesapeake Bay Observing Lab",
        K.LAB,
        ("Annapolis", "Eastport"),
        S.SMALL,
        ["climate", "open data", "GIS", "Rust"],
        """
Buoys, sensors and open data for the Bay. Our lab runs twelve monitoring stations and
publishes every reading, every calibration note and every line of ingestion code.
""",
        featured=True,
    ),
    _org(
        "Harbor Health Informatics Lab",
        K.LAB,
        (BALTIMORE, "Mount Vernon"),
        S.MEDIUM,
        ["health IT", "privacy", "Python"],
        """
Research on health records that patients can trust: consent, de-identification and
interoperability. We release our tools under permissive licenses so that small clinics,
not only large systems, can use them.
""",
    ),
    _org(
        "Calvert Street University",
        K.UNIVERSITY,
        (BALTIMORE, "Charles Village"),
        S.HUGE,
        ["education", "data science", "Linux"],
        """
A research university whose Open Source Program Office helps faculty and students
publish software, choose licenses and keep projects alive after the grant ends.

- Office hours every Thursday in the library
- Student maintainers paid through the OSPO fellowship
""",
        verified=True,
        featured=True,
    ),
    _org(
        "Severn Valley College",
        K.UNIVERSITY,
        ("Annapolis", "West Street"),
        S.LARGE,
        ["education", "climate", "Python"],
        """
A community college where the capstone project is an upstream contribution. Our
students have shipped fixes to mapping, tree-canopy and courseware projects across the
region.
""",
    ),
    _org(
        "Mid-Atlantic Institute of Public Computing",
        K.UNIVERSITY,
        ("Washington, DC", "Dupont Circle"),
        S.MEDIUM,
        ["civic tech", "open data", "privacy"],
        """
A graduate institute for people who build software for governments. We study what makes
public-sector open source last, and we maintain the rules engines that several states use
to screen people for benefits.
""",
    ),
    _org(
        "Open Stoop Foundation",
        K.NONPROFIT,
        (BALTIMORE, "Station North"),
        S.TINY,
        ["civic tech", "documentation", "InnerSource"],
        """
We fund the people who keep the region's open source running. Small grants for
maintainers, paid time for documentation, and a fiscal host for projects that need a
bank account but not a company.

Inspired by the conversations at the InnerSource Commons Fall Summit in Baltimore:
open source in cities only works at scale with structured cooperation.
""",
        featured=True,
        verified=True,
    ),
    _org(
        "Rowhouse Code Collective",
        K.NONPROFIT,
        (BALTIMORE, "Remington"),
        S.SMALL,
        ["education", "JavaScript", "Python"],
        """
Free evening classes in programming, taught through real open source projects. Our
students' first pull request goes to a project that a Baltimore neighbour maintains.
""",
    ),
    _org(
        "Chesapeake Open Data Alliance",
        K.NONPROFIT,
        (BALTIMORE, "Mount Vernon"),
        S.TINY,
        ["open data", "civic tech", "PostgreSQL"],
        """
Budgets, minutes, contracts: if a public body in the region publishes it, we make it
searchable. We maintain **ledgerlight** and **docket**, and we train reporters to use them.
""",
        verified=True,
    ),
    _org(
        "Accessible Web Baltimore",
        K.NONPROFIT,
        (BALTIMORE, "Charles Village"),
        S.TINY,
        ["accessibility", "education"],
        """
Volunteers who test public websites with the people who depend on them. We file
issues upstream, pair with maintainers on fixes, and publish our test plans.
""",
    ),
    _org(
        "Digital Commons Delaware",
        K.NONPROFIT,
        ("Wilmington", "Trolley Square"),
        S.TINY,
        ["civic tech", "open data", "accessibility"],
        """
Open tools for democracy in the First State: public-records requests, polling-place
lookups and meeting agendas that anyone can read on a phone.
""",
    ),
    _org(
        "Charm City Digital Service",
        K.GOVERNMENT,
        (BALTIMORE, "Downtown"),
        S.SMALL,
        ["civic tech", "Terraform", "accessibility", "Django"],
        """
A small team inside city government that builds services residents actually use. Our
default is open: code we write is published under an open source license unless there is
a written reason not to.
""",
        innersource=True,
        verified=True,
        featured=True,
    ),
    _org(
        "Patapsco County Open Data Office",
        K.GOVERNMENT,
        ("Towson", ""),
        S.TINY,
        ["open data", "GIS", "Go"],
        """
The county's open data portal and the address geocoder behind it. Requests for new
datasets are issues on our tracker; anyone can follow along.
""",
    ),
    _org(
        "Potomac Regional Transit Data Office",
        K.GOVERNMENT,
        ("Washington, DC", "Navy Yard"),
        S.SMALL,
        ["transit", "open data", "Java"],
        """
Schedules and real-time feeds for buses, trains and ferries in the capital region. We
maintain the validators our partner agencies use before they publish a feed.
""",
    ),
    _org(
        "Bayshore Public Library Digital Lab",
        K.GOVERNMENT,
        (BALTIMORE, "Canton"),
        S.SMALL,
        ["education", "Linux", "privacy"],
        """
Public computers, a makerspace and a small development team that contributes to the
open source library systems we run. Patron privacy is not negotiable.
""",
    ),
    _org(
        "Harborside Pythonistas",
        K.COMMUNITY,
        (BALTIMORE, "Federal Hill"),
        S.MEDIUM,
        ["Python", "Django", "education"],
        """
A monthly meetup for people who write Python, from first scripts to production
services. Talks, lightning talks and a project night where maintainers pitch what help
they need.
""",
    ),
    _org(
        "Rust on the Waterfront",
        K.COMMUNITY,
        (BALTIMORE, "Fells Point"),
        S.SMALL,
        ["Rust", "WebAssembly"],
        """
A Rust reading group that outgrew the bookshop. We meet every other Tuesday on
Thames Street and keep our exercises on the hub's git server.
""",
    ),
    _org(
        "Station North Civic Hack Night",
        K.COMMUNITY,
        (BALTIMORE, "Station North"),
        S.SMALL,
        ["civic tech", "open data", "GIS"],
        """
Every Wednesday evening: neighbours with a problem, people who can code, and a room
with pizza. Projects start here and move on to homes in the city, the county or a
nonprofit.
""",
    ),
    _org(
        "Mid-Atlantic InnerSource Circle",
        K.COMMUNITY,
        (BALTIMORE, "Federal Hill"),
        S.MEDIUM,
        ["InnerSource", "documentation"],
        """
Practitioners from banks, hospitals, utilities and agencies who bring open source
methods behind the firewall. We started after the InnerSource Commons Fall Summit came
to Baltimore and meet quarterly to compare playbooks, metrics and mistakes.
""",
        innersource=True,
        featured=True,
    ),
    _org(
        "Federal Hill Cloud Native Group",
        K.COMMUNITY,
        (BALTIMORE, "Federal Hill"),
        S.SMALL,
        ["Kubernetes", "Go", "security"],
        """
Kubernetes, service meshes and the people who keep them running. Monthly talks, an
annual day of contributions to upstream projects, and a shared policy library.
""",
    ),
    _org(
        "Open Stitch Accessibility Guild",
        K.COMMUNITY,
        (BALTIMORE, "Hampden"),
        S.TINY,
        ["accessibility", "JavaScript", "GIS"],
        """
Designers, developers and screen-reader users who meet at the Avenue's co-working space
to make maps, forms and charts that everyone can use.
""",
    ),
    _org(
        "Annapolis GIS Users Circle",
        K.COMMUNITY,
        ("Annapolis", "Eastport"),
        S.SMALL,
        ["GIS", "open data", "climate"],
        """
Mapmakers from agencies, labs and the sailing community. We share layers, styles and
scripts, and we run a mapathon for the Bay every spring.
""",
    ),
]

# Pending organizations: submitted by demo members, waiting in the staff moderation queue.
PENDING_ORGANIZATIONS = [
    (
        "sam.whitfield@example.org",
        _org(
            "Greenmount Makers Cooperative",
            K.COMMUNITY,
            (BALTIMORE, "Greenmount West"),
            S.TINY,
            ["education", "Linux"],
            """
A worker-owned makerspace that repairs donated laptops, installs Linux on them and hands
them to students. We want to list the scripts we use to image machines.
""",
        ),
    ),
    (
        "ada.nguyen@example.org",
        _org(
            "Lexington Market Data Studio",
            K.COMPANY,
            (BALTIMORE, "Downtown"),
            S.TINY,
            ["data science", "open data"],
            """
Two analysts who publish food-access data for the city's public markets, with the
notebooks that produce it.
""",
        ),
    ),
    (
        "luis.ferreira@example.org",
        _org(
            "Wilmington Riverfront Robotics Lab",
            K.LAB,
            ("Wilmington", "Riverfront"),
            S.SMALL,
            ["Rust", "machine learning"],
            """
An applied robotics lab working on river-cleanup drones. The control software is open
source; the hardware designs will follow.
""",
        ),
    ),
]

REJECTED_ORGANIZATION = (
    "sam.whitfield@example.org",
    _org(
        "Quick Yield Crypto Ventures",
        K.COMPANY,
        ("Columbia", ""),
        S.TINY,
        [],
        """
The best returns in the Mid-Atlantic. Sign up for our newsletter.
""",
    ),
    "Not an open source organization: no public code, no licensed projects, and the "
    "listing is an advertisement.",
)

# --- Projects -----------------------------------------------------------------------------


def _project(name, license, tags, roles, description, *, pitch="", help_wanted=(), homepage=""):
    slug = slugify(name)
    owner = roles[0][0]
    return {
        "name": name,
        "slug": slug,
        "license": license,
        "tags": tags,
        "roles": roles,
        "description": description.strip(),
        "repository_url": f"https://git.example.org/{owner}/{slug}",
        "homepage": homepage,
        "seeking_contributors": bool(pitch),
        "pitch": pitch.strip(),
        "help_wanted": [str(value) for value in help_wanted],
        "contact_url": f"https://lists.example.org/{slug}",
    }


FORMSTONE = "formstone-software"
TIDEWATER = "tidewater-cloudworks"
CLIPPER = "clipper-row-analytics"
SCREEN_DOOR = "screen-door-digital"
BELLWETHER = "bellwether-health-systems"
LOCUST = "locust-point-logistics-software"
MARBLE = "marble-step-security"
IRONBRIDGE = "ironbridge-energy-data"
JONES_FALLS = "jones-falls-computing-lab"
PATAPSCO = "patapsco-spatial-lab"
BAY_LAB = "chesapeake-bay-observing-lab"
HEALTH_LAB = "harbor-health-informatics-lab"
CALVERT = "calvert-street-university"
SEVERN = "severn-valley-college"
INSTITUTE = "mid-atlantic-institute-of-public-computing"
OPEN_STOOP = "open-stoop-foundation"
ROWHOUSE = "rowhouse-code-collective"
DATA_ALLIANCE = "chesapeake-open-data-alliance"
ACCESSIBLE_WEB = "accessible-web-baltimore"
DELAWARE = "digital-commons-delaware"
CITY = "charm-city-digital-service"
COUNTY = "patapsco-county-open-data-office"
TRANSIT = "potomac-regional-transit-data-office"
LIBRARY = "bayshore-public-library-digital-lab"
PYTHONISTAS = "harborside-pythonistas"
RUST_CLUB = "rust-on-the-waterfront"
HACK_NIGHT = "station-north-civic-hack-night"
INNERSOURCE = "mid-atlantic-innersource-circle"
CLOUD_NATIVE = "federal-hill-cloud-native-group"
STITCH = "open-stitch-accessibility-guild"
GIS_CIRCLE = "annapolis-gis-users-circle"

PROJECTS = [
    _project(
        "stoopkit",
        "MIT",
        ["Python", "Django", "civic tech"],
        [(FORMSTONE, R.MAINTAINER), (CITY, R.SPONSOR), (HACK_NIGHT, R.CONTRIBUTOR)],
        """
A Django toolkit for 311-style service requests: intake forms, routing, status pages
and a public map. Built for Baltimore, used by three other cities.
""",
        pitch="""
We need help translating the resident-facing pages (Spanish, Korean, Amharic) and
writing a guide for cities that want to run their own copy.

**Start here:** issues labelled `good first issue`, or join the Wednesday hack night.
""",
        help_wanted=[H.DOCS, H.CODE],
        homepage="https://stoopkit.example.org/",
    ),
    _project(
        "rowhouse-permits",
        "AGPL-3.0-only",
        ["Django", "civic tech", "PostgreSQL"],
        [(CITY, R.MAINTAINER), (FORMSTONE, R.CONTRIBUTOR)],
        """
Track a building permit from application to inspection, in public. Residents see where
their permit is and why; inspectors see their day on one screen.
""",
    ),
    _project(
        "tidewatch",
        "Apache-2.0",
        ["Kubernetes", "Go"],
        [(TIDEWATER, R.MAINTAINER), (CLOUD_NATIVE, R.CONTRIBUTOR)],
        """
A Kubernetes operator that schedules, verifies and restores backups of stateful
workloads. Restores are tested every night, not the day you need them.
""",
        pitch="""
Our test matrix covers three storage drivers; we want ten. If you run Kubernetes on
something unusual, help us test on it.
""",
        help_wanted=[H.TESTING, H.CODE],
    ),
    _project(
        "harborlight",
        "Apache-2.0",
        ["Go", "Kubernetes", "security"],
        [(TIDEWATER, R.MAINTAINER)],
        """
Observability dashboards for clusters that must stay up during a storm: alerts that
explain themselves, runbooks linked from every panel.
""",
    ),
    _project(
        "crabpot",
        "MIT",
        ["Rust", "PostgreSQL"],
        [(LOCUST, R.MAINTAINER), (RUST_CLUB, R.CONTRIBUTOR)],
        """
A durable job queue in Rust on top of PostgreSQL. No broker to run: jobs are rows,
workers take them with `SKIP LOCKED`, retries back off.
""",
        pitch="""
We are looking for a co-maintainer who cares about the release process, and for
reviewers who know async Rust.
""",
        help_wanted=[H.TIME, H.CODE],
    ),
    _project(
        "baymap",
        "BSD-3-Clause",
        ["GIS", "Python", "open data"],
        [(PATAPSCO, R.MAINTAINER), (BAY_LAB, R.CONTRIBUTOR), (GIS_CIRCLE, R.CONTRIBUTOR)],
        """
Vector tiles of the Chesapeake watershed, rebuilt every week from public sources, with
the scripts that build them.
""",
        pitch="""
The style sheets need a cartographer's eye, and the build needs someone to move it off a
laptop and onto a scheduled job.
""",
        help_wanted=[H.DESIGN, H.CODE],
    ),
    _project(
        "buoyline",
        "Apache-2.0",
        ["Rust", "climate", "open data"],
        [(BAY_LAB, R.MAINTAINER)],
        """
Ingests readings from water-quality buoys, flags suspect values and publishes clean
time series as CSV and Parquet.
""",
    ),
    _project(
        "clearchart",
        "Apache-2.0",
        ["Java", "health IT"],
        [(BELLWETHER, R.MAINTAINER), (HEALTH_LAB, R.CONTRIBUTOR)],
        """
A FHIR record viewer that clinicians can read at a glance: medications, allergies and
recent results on one screen, with the source of every line.
""",
        pitch="""
We want clinicians and patients in usability sessions, and contributors who know
accessibility for dense tables.
""",
        help_wanted=[H.DESIGN, H.TESTING],
    ),
    _project(
        "consent-ledger",
        "MPL-2.0",
        ["health IT", "privacy", "Python"],
        [(HEALTH_LAB, R.MAINTAINER), (BELLWETHER, R.SPONSOR)],
        """
Records a patient's consent to share data, and every use of it, in an append-only
log the patient can read.
""",
    ),
    _project(
        "a11y-sweep",
        "MIT",
        ["JavaScript", "accessibility"],
        [(SCREEN_DOOR, R.MAINTAINER), (ACCESSIBLE_WEB, R.CONTRIBUTOR), (STITCH, R.CONTRIBUTOR)],
        """
A command-line accessibility checker for whole sites: crawl, test every page against
WCAG 2.2, and write a report a project manager can act on.
""",
        pitch="""
Help us write rules for the problems automated checkers miss, and explain each failure
in plain language.
""",
        help_wanted=[H.CODE, H.DOCS],
    ),
    _project(
        "plainform",
        "MIT",
        ["TypeScript", "accessibility"],
        [(SCREEN_DOOR, R.MAINTAINER)],
        """
Form components that work without JavaScript first and get better with it: labels,
errors and hints wired up for screen readers.
""",
    ),
    _project(
        "ledgerlight",
        "AGPL-3.0-only",
        ["open data", "civic tech", "PostgreSQL"],
        [(DATA_ALLIANCE, R.MAINTAINER), (CLIPPER, R.CONTRIBUTOR)],
        """
A budget explorer for cities and counties: every line item, year over year, with
the source document one click away.
""",
        pitch="""
Counties publish budgets as PDFs; we need parsers for five more of them. Bring a
county and we will pair with you.
""",
        help_wanted=[H.CODE, H.MENTORING],
    ),
    _project(
        "docket",
        "AGPL-3.0-only",
        ["open data", "civic tech", "Python"],
        [(DATA_ALLIANCE, R.MAINTAINER), (CITY, R.CONTRIBUTOR)],
        """
Full-text search over public meeting agendas and minutes, with alerts when a street
or a contract you follow comes up.
""",
    ),
    _project(
        "transit-pulse",
        "Apache-2.0",
        ["Java", "transit", "open data"],
        [(TRANSIT, R.MAINTAINER)],
        """
Validates GTFS and GTFS-Realtime feeds before an agency publishes them, and explains
each error with the rule it breaks.
""",
    ),
    _project(
        "headway",
        "GPL-3.0-only",
        ["Python", "transit", "data science"],
        [(JONES_FALLS, R.MAINTAINER), (TRANSIT, R.CONTRIBUTOR)],
        """
Measures bus bunching and real waiting times from vehicle positions, route by route,
hour by hour.
""",
        pitch="""
We would love riders' help checking our numbers against what they see at the stop.
""",
        help_wanted=[H.TESTING],
    ),
    _project(
        "fairlens",
        "BSD-3-Clause",
        ["Python", "machine learning", "privacy"],
        [(JONES_FALLS, R.MAINTAINER), (CLIPPER, R.CONTRIBUTOR), (INSTITUTE, R.CONTRIBUTOR)],
        """
Audits of automated decisions: who is flagged, who waits, who is left out. Reports
that a city council can read.
""",
    ),
    _project(
        "tidepool",
        "Apache-2.0",
        ["Python", "machine learning", "data science"],
        [(CLIPPER, R.MAINTAINER)],
        """
A small feature store for teams that do not need a big one: features as SQL, versioned
in git, served from PostgreSQL.
""",
    ),
    _project(
        "stepcheck",
        "Apache-2.0",
        ["Go", "security"],
        [(MARBLE, R.MAINTAINER), (TIDEWATER, R.CONTRIBUTOR)],
        """
Scans a repository's dependencies, produces an SBOM and tells you which findings
actually reach your code.
""",
        pitch="""
We need testers in public bodies: run it on your code and tell us where the report
confuses you.
""",
        help_wanted=[H.TESTING, H.DOCS],
    ),
    _project(
        "sbom-harbor",
        "Apache-2.0",
        ["Go", "security", "PostgreSQL"],
        [(MARBLE, R.MAINTAINER), (TIDEWATER, R.SPONSOR)],
        """
A registry for software bills of materials: upload, search and compare SBOMs across
vendors and versions.
""",
    ),
    _project(
        "cve-digest",
        "ISC",
        ["security", "Python"],
        [(MARBLE, R.MAINTAINER)],
        """
A weekly, human-written digest of vulnerabilities in software that cities and schools
run, generated from a curated feed.
""",
    ),
    _project(
        "gridcanary",
        "MPL-2.0",
        ["Python", "climate", "open data"],
        [(IRONBRIDGE, R.MAINTAINER)],
        """
Cleans and publishes hourly grid-load data for electric cooperatives, with
anomaly flags and a changelog of every correction.
""",
    ),
    _project(
        "commons-catalog",
        "MIT",
        ["InnerSource", "TypeScript", "documentation"],
        [(INNERSOURCE, R.MAINTAINER), (BELLWETHER, R.SPONSOR), (IRONBRIDGE, R.CONTRIBUTOR)],
        """
A catalog of internal projects for InnerSource programs: who owns what, how to
contribute, and which projects want help. Inspired by the portals shared at the
InnerSource Commons summits.
""",
        pitch="""
Every company's catalog looks a little different. Tell us what yours needs; we want
adapters for more internal code hosts.
""",
        help_wanted=[H.CODE, H.DESIGN],
    ),
    _project(
        "trusted-committer-kit",
        "CC-BY-4.0",
        ["InnerSource", "documentation"],
        [(INNERSOURCE, R.MAINTAINER), (TIDEWATER, R.CONTRIBUTOR)],
        """
A playbook for the trusted-committer role: onboarding checklists, review guides and
the conversations nobody warns you about.
""",
        pitch="""
Share a story from your program: what worked, what did not. We edit it into a pattern.
""",
        help_wanted=[H.DOCS, H.MENTORING],
    ),
    _project(
        "classroom-commit",
        "GPL-3.0-only",
        ["education", "JavaScript"],
        [(ROWHOUSE, R.MAINTAINER), (CALVERT, R.CONTRIBUTOR)],
        """
Teaches version control in a browser, with no installs: a sandboxed repository per
student and exercises built from real pull requests.
""",
        pitch="""
Volunteer mentors for our spring cohort: two evenings a month, no teaching experience
needed.
""",
        help_wanted=[H.MENTORING, H.TIME],
    ),
    _project(
        "porchlight-lessons",
        "CC-BY-SA-4.0",
        ["education", "Python", "documentation"],
        [(ROWHOUSE, R.MAINTAINER), (PYTHONISTAS, R.CONTRIBUTOR)],
        """
Open lesson plans for a twelve-week introduction to programming, every lesson built
around a neighbourhood dataset.
""",
    ),
    _project(
        "checkout-desk",
        "GPL-2.0-or-later",
        ["Linux", "privacy", "education"],
        [(LIBRARY, R.MAINTAINER)],
        """
Plugins for open source library systems: privacy-preserving loan history, reading
lists and public-computer reservations.
""",
    ),
    _project(
        "benchbook",
        "AGPL-3.0-only",
        ["Django", "education"],
        [(LIBRARY, R.MAINTAINER), (ROWHOUSE, R.CONTRIBUTOR)],
        """
Book the laser cutter, the 3D printer or the recording booth; see who trained whom.
""",
        pitch="""
Makerspaces in other libraries want it. We need help making it easy to install.
""",
        help_wanted=[H.DOCS, H.TESTING],
    ),
    _project(
        "pyharbor",
        "MIT",
        ["Python", "Django"],
        [(PYTHONISTAS, R.MAINTAINER)],
        """
The meetup's own site: talk archive, slides, speaker sign-up and the project-night
board.
""",
    ),
    _project(
        "rustwater",
        "MIT",
        ["Rust", "education"],
        [(RUST_CLUB, R.MAINTAINER)],
        """
Exercises for learning Rust, each one a small tool a Baltimore developer would use:
a bus-time CLI, a tide-table parser, a bike-share dock finder.
""",
    ),
    _project(
        "hacknight-board",
        "MIT",
        ["JavaScript", "civic tech"],
        [(HACK_NIGHT, R.MAINTAINER)],
        """
A project board for hack nights: pitches, who is working on what, and what happened
since last week.
""",
    ),
    _project(
        "lotline",
        "BSD-3-Clause",
        ["GIS", "open data", "civic tech"],
        [(HACK_NIGHT, R.MAINTAINER), (PATAPSCO, R.CONTRIBUTOR)],
        """
A map of vacant lots and who can help turn them into gardens, with the paperwork each
step needs.
""",
        pitch="""
Community gardeners: tell us which forms confused you. Developers: the map needs
offline support for walking surveys.
""",
        help_wanted=[H.CODE, H.DESIGN],
    ),
    _project(
        "canopy",
        "Apache-2.0",
        ["machine learning", "GIS", "climate"],
        [(SEVERN, R.MAINTAINER), (BAY_LAB, R.CONTRIBUTOR)],
        """
Estimates tree canopy from aerial imagery, block by block, so that planting goes where
the heat is.
""",
    ),
    _project(
        "pg-tidy",
        "PostgreSQL",
        ["PostgreSQL", "Python"],
        [(FORMSTONE, R.MAINTAINER)],
        """
A linter for database migrations: catches table rewrites, missing indexes on foreign
keys and locks that would take a site down.
""",
    ),
    _project(
        "foia-flow",
        "AGPL-3.0-only",
        ["civic tech", "Django"],
        [(DELAWARE, R.MAINTAINER)],
        """
Tracks public-records requests from filing to response, with deadlines computed from
each state's law.
""",
    ),
    _project(
        "votewell",
        "MIT",
        ["accessibility", "civic tech", "JavaScript"],
        [(DELAWARE, R.MAINTAINER), (SCREEN_DOOR, R.CONTRIBUTOR)],
        """
Find your polling place, its hours and its accessible entrance, in a page that loads on
the slowest phone.
""",
    ),
    _project(
        "moorings",
        "Apache-2.0",
        ["Kubernetes", "security"],
        [(CLOUD_NATIVE, R.MAINTAINER), (TIDEWATER, R.CONTRIBUTOR)],
        """
A library of Kubernetes admission policies for regulated workloads, each with tests
and an explanation of the rule it enforces.
""",
    ),
    _project(
        "tidechart",
        "MIT",
        ["WebAssembly", "Rust", "accessibility"],
        [(JONES_FALLS, R.MAINTAINER), (STITCH, R.CONTRIBUTOR)],
        """
Charts compiled to WebAssembly that come with a data table and a text summary, so that
screen-reader users get the same story.
""",
    ),
    _project(
        "scholar-sync",
        "BSD-3-Clause",
        ["Python", "open data", "education"],
        [(CALVERT, R.MAINTAINER)],
        """
Moves datasets from lab servers to the university repository with their metadata,
licenses and DOIs intact.
""",
    ),
    _project(
        "labnotebook",
        "BSD-3-Clause",
        ["Python", "data science"],
        [(CALVERT, R.MAINTAINER), (JONES_FALLS, R.CONTRIBUTOR)],
        """
Reproducible notebooks for research groups: pinned environments, recorded inputs and a
button that reruns everything.
""",
        pitch="""
We need a maintainer for the Windows installer and students who want their first open
source credit.
""",
        help_wanted=[H.TIME, H.CODE],
    ),
    _project(
        "coursecommons",
        "AGPL-3.0-only",
        ["education", "Django"],
        [(SEVERN, R.MAINTAINER)],
        """
Open courseware for community colleges: syllabi, assignments and rubrics that other
colleges can adopt and adapt.
""",
    ),
    _project(
        "statute",
        "MIT",
        ["civic tech", "Python"],
        [(INSTITUTE, R.MAINTAINER)],
        """
Write regulations as tested code next to their text, so that the law and the software
that applies it say the same thing.
""",
    ),
    _project(
        "eligible",
        "AGPL-3.0-only",
        ["civic tech", "Python", "privacy"],
        [(INSTITUTE, R.MAINTAINER), (CITY, R.SPONSOR), (OPEN_STOOP, R.SPONSOR)],
        """
A rules engine that screens people for benefits without storing who they are.
""",
        pitch="""
Every state's rules differ. We need people who know their state's programs to review
our rule files, and funding for a security audit.
""",
        help_wanted=[H.TESTING, H.FUNDING],
    ),
    _project(
        "deident",
        "Apache-2.0",
        ["health IT", "privacy", "Python"],
        [(HEALTH_LAB, R.MAINTAINER)],
        """
De-identifies clinical notes and structured records, with a report of what was
removed and why.
""",
    ),
    _project(
        "civic-modules",
        "MPL-2.0",
        ["Terraform", "civic tech", "security"],
        [(CITY, R.MAINTAINER), (TIDEWATER, R.CONTRIBUTOR)],
        """
Terraform modules for the cloud setups cities need: a static site, a Django app, a
database with backups, all with sane security defaults.
""",
    ),
    _project(
        "tactile",
        "MIT",
        ["accessibility", "GIS", "JavaScript"],
        [(STITCH, R.MAINTAINER), (PATAPSCO, R.CONTRIBUTOR)],
        """
Maps that a screen reader can explore: streets, landmarks and routes read out in order,
with keyboard navigation.
""",
        pitch="""
We need blind and low-vision testers (paid), and a cartographer to help us choose what a
map should say first.
""",
        help_wanted=[H.TESTING, H.FUNDING],
    ),
    _project(
        "harborhop",
        "Apache-2.0",
        ["transit", "open data"],
        [(HACK_NIGHT, R.MAINTAINER), (TRANSIT, R.CONTRIBUTOR)],
        """
A GTFS feed for the harbor's boats and shuttles, built by volunteers from published
timetables.
""",
    ),
    _project(
        "airstoop",
        "Apache-2.0",
        ["climate", "open data", "Python"],
        [(ROWHOUSE, R.MAINTAINER), (BAY_LAB, R.CONTRIBUTOR)],
        """
Cheap air-quality sensors on rowhouse stoops, and the software that collects, checks
and maps their readings.
""",
        pitch="""
Host a sensor on your stoop, or help us calibrate against the reference station.
""",
        help_wanted=[H.TESTING, H.TIME],
    ),
    _project(
        "tipjar",
        "MIT",
        ["civic tech", "Django"],
        [(OPEN_STOOP, R.MAINTAINER)],
        """
Fiscal hosting for small projects: donations in, expenses out, every transaction
published.
""",
    ),
    _project(
        "grantmatch",
        "AGPL-3.0-only",
        ["civic tech", "Python"],
        [(OPEN_STOOP, R.MAINTAINER), (PYTHONISTAS, R.CONTRIBUTOR)],
        """
Matches maintainers with the small grants they qualify for, and drafts the boring
parts of the application.
""",
    ),
    _project(
        "addressbook",
        "BSD-3-Clause",
        ["Go", "GIS", "open data"],
        [(COUNTY, R.MAINTAINER), (PATAPSCO, R.CONTRIBUTOR)],
        """
A fast geocoder for the county's address points, with fuzzy matching for the ways
people actually write addresses.
""",
    ),
    _project(
        "datadock",
        "AGPL-3.0-only",
        ["open data", "Go", "PostgreSQL"],
        [(COUNTY, R.MAINTAINER)],
        """
Publishes county datasets with their data dictionaries and a changelog, and answers
dataset requests in public.
""",
    ),
]

# Pending projects: submitted by demo members, waiting for staff.
PENDING_PROJECTS = [
    (
        "maya.okafor@example.org",
        _project(
            "alley-light",
            "MIT",
            ["civic tech", "Django"],
            [(FORMSTONE, R.MAINTAINER)],
            """
Report a broken alley light, see when it was fixed, and map the blocks that wait
longest.
""",
            pitch="Looking for testers in East Baltimore before the first release.",
            help_wanted=[H.TESTING],
        ),
    ),
    (
        "priya.raman@example.org",
        _project(
            "clinic-queue",
            "Apache-2.0",
            ["health IT", "accessibility"],
            [(HEALTH_LAB, R.MAINTAINER)],
            """
A walk-in clinic queue that texts people when it is their turn, so nobody waits
outside.
""",
        ),
    ),
]

# Memberships of the demo people (people without an entry here have none). Every
# organization with members has an owner; Formstone also has an admin, so its owner's hours
# are reviewed inside it, while Open Stitch's sole owner's hours go to hub staff.
MEMBERSHIPS = [
    ("maya.okafor@example.org", FORMSTONE, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("sam.whitfield@example.org", FORMSTONE, Membership.Role.ADMIN, Membership.Status.ACTIVE),
    ("maya.okafor@example.org", PYTHONISTAS, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("luis.ferreira@example.org", TIDEWATER, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("luis.ferreira@example.org", CLOUD_NATIVE, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("priya.raman@example.org", HEALTH_LAB, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("priya.raman@example.org", INNERSOURCE, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("sam.whitfield@example.org", ROWHOUSE, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("ada.nguyen@example.org", SCREEN_DOOR, Membership.Role.OWNER, Membership.Status.ACTIVE),
    ("ada.nguyen@example.org", STITCH, Membership.Role.OWNER, Membership.Status.ACTIVE),
]
PENDING_CLAIM = (
    "sam.whitfield@example.org",
    HACK_NIGHT,
    "I have run the Wednesday hack night since 2019 and would like to keep our listing up to date.",
)

LISTING_FIELDS = {
    Organization: [
        "name", "slug", "kind", "city", "neighbourhood", "size_band", "website", "description",
        "innersource", "featured", "verified",
    ],
    Project: [
        "name", "slug", "license", "description", "repository_url", "homepage",
        "seeking_contributors", "pitch", "help_wanted", "contact_url",
    ],
}  # fmt: skip


# --- Seeding ------------------------------------------------------------------------------


@dataclass
class SeedResult:
    tags: int = 0
    organizations: int = 0
    projects: int = 0
    memberships: int = 0
    created: list = field(default_factory=list)


def seed_tags() -> dict[str, Tag]:
    """The demo tags by slug, created once."""
    existing = {tag.slug: tag for tag in Tag.objects.all()}
    missing = [
        Tag(name=name, slug=slugify(name), kind=kind)
        for name, kind in TAGS
        if slugify(name) not in existing
    ]
    Tag.objects.bulk_create(missing)
    return {tag.slug: tag for tag in Tag.objects.filter(slug__in=[slugify(n) for n, _ in TAGS])}


def _create_listings(model, rows: list[dict], tags: dict[str, Tag]) -> list:
    """Create the rows whose slug is not taken yet; returns the listings created."""
    existing = set(
        model.objects.filter(slug__in=[row["slug"] for row in rows]).values_list("slug", flat=True)
    )
    listings = []
    for row in rows:
        if row["slug"] in existing:
            continue
        listing = model(
            **{name: row[name] for name in LISTING_FIELDS[model]},
            status=row["status"],
            rejection_reason=row.get("rejection_reason", ""),
            created_by=row.get("created_by"),
            created_at=row["created_at"],
            published_at=row.get("published_at"),
        )
        listing.full_clean(exclude=["search_vector"], validate_unique=False)
        listings.append(listing)
    model.objects.bulk_create(listings)
    if listings and listings[0].pk is None:  # a database that returns no ids from bulk inserts
        ids = dict(
            model.objects.filter(slug__in=[x.slug for x in listings]).values_list("slug", "id")
        )
        for listing in listings:
            listing.pk = ids[listing.slug]
    through = model.tags.through
    fk = f"{model._meta.model_name}_id"
    rows_by_slug = {row["slug"]: row for row in rows}
    through.objects.bulk_create(
        [
            through(**{fk: listing.pk, "tag_id": tags[slugify(name)].pk})
            for listing in listings
            for name in rows_by_slug[listing.slug]["tags"]
        ]
    )
    return listings


def seed_directory(people) -> SeedResult:
    """The hand-written region: tags, organizations, projects, memberships. Idempotent."""
    now = timezone.now()
    by_email = {person.email: person for person in people}
    staff = next((person for person in people if person.is_staff), None)
    result = SeedResult()

    tags = seed_tags()
    result.tags = len(tags)

    # Organizations: published (oldest first, so "newest" has a sensible order), pending, rejected.
    organization_rows = []
    for index, row in enumerate(ORGANIZATIONS):
        when = now - timedelta(days=400 - index * 12, hours=index)
        organization_rows.append(
            {**row, "status": ListingStatus.PUBLISHED, "created_at": when - timedelta(days=2),
             "published_at": when}
        )  # fmt: skip
    for index, (email, row) in enumerate(PENDING_ORGANIZATIONS):
        organization_rows.append(
            {**row, "status": ListingStatus.PENDING, "created_by": by_email.get(email),
             "created_at": now - timedelta(days=3 - index)}
        )  # fmt: skip
    email, row, reason = REJECTED_ORGANIZATION
    organization_rows.append(
        {**row, "status": ListingStatus.REJECTED, "created_by": by_email.get(email),
         "created_at": now - timedelta(days=20), "rejection_reason": reason}
    )  # fmt: skip
    created_organizations = _create_listings(Organization, organization_rows, tags)

    project_rows = []
    for index, row in enumerate(PROJECTS):
        when = now - timedelta(days=380 - index * 7, hours=index)
        project_rows.append(
            {**row, "status": ListingStatus.PUBLISHED, "created_at": when - timedelta(days=1),
             "published_at": when}
        )  # fmt: skip
    for index, (email, row) in enumerate(PENDING_PROJECTS):
        project_rows.append(
            {**row, "status": ListingStatus.PENDING, "created_by": by_email.get(email),
             "created_at": now - timedelta(days=2 - index)}
        )  # fmt: skip
    created_projects = _create_listings(Project, project_rows, tags)

    organizations = dict(
        Organization.objects.values_list("slug", "id").filter(
            slug__in=[row["slug"] for row in organization_rows]
        )
    )
    rows_by_slug = {row["slug"]: row for row in project_rows}
    ProjectRole.objects.bulk_create(
        [
            ProjectRole(project=project, organization_id=organizations[org_slug], role=role)
            for project in created_projects
            for org_slug, role in rows_by_slug[project.slug]["roles"]
        ]
    )

    for listing in [*created_organizations, *created_projects]:
        search_vector_refresh(listing)

    # Memberships: the demo people run a few organizations; submitters own what they submitted.
    wanted = [
        (email, slug, role, status, "") for email, slug, role, status in MEMBERSHIPS
    ] + [
        (email, row["slug"], Membership.Role.OWNER, Membership.Status.ACTIVE, "")
        for email, row in PENDING_ORGANIZATIONS
    ] + [
        (REJECTED_ORGANIZATION[0], REJECTED_ORGANIZATION[1]["slug"], Membership.Role.OWNER,
         Membership.Status.ACTIVE, ""),
        (PENDING_CLAIM[0], PENDING_CLAIM[1], Membership.Role.ADMIN, Membership.Status.PENDING,
         PENDING_CLAIM[2]),
    ]  # fmt: skip
    for email, slug, role, status, message in wanted:
        person = by_email.get(email)
        if person is None or slug not in organizations:
            continue
        active = status == Membership.Status.ACTIVE
        Membership.objects.get_or_create(
            user=person,
            organization_id=organizations[slug],
            defaults={
                "role": role,
                "status": status,
                "message": message,
                "decided_by": staff if active else None,
                "decided_at": now if active else None,
            },
        )
        result.memberships += 1

    result.organizations = len(organizations)
    result.projects = len(project_rows)
    result.created = [*created_organizations, *created_projects]
    return result


# --- Generated rows for benchmarks ----------------------------------------------------------

BATCH_SIZE = 2000

PLACES = [
    (BALTIMORE, "Fells Point"), (BALTIMORE, "Hampden"), (BALTIMORE, "Station North"),
    (BALTIMORE, "Remington"), (BALTIMORE, "Mount Vernon"), (BALTIMORE, "Canton"),
    (BALTIMORE, "Federal Hill"), (BALTIMORE, "Harbor East"), (BALTIMORE, "Locust Point"),
    (BALTIMORE, "Charles Village"), (BALTIMORE, "Highlandtown"), (BALTIMORE, "Waverly"),
    (BALTIMORE, "Bolton Hill"), (BALTIMORE, "Pigtown"), (BALTIMORE, "Hamilton"),
    (BALTIMORE, "Downtown"), ("Towson", ""), ("Columbia", "Town Center"),
    ("Annapolis", "Eastport"), ("Wilmington", "Riverfront"), ("Washington, DC", "Navy Yard"),
    ("Washington, DC", "Shaw"), ("Silver Spring", ""), ("Frederick", ""),
]  # fmt: skip
NAME_FIRST = [
    "Harbor", "Chesapeake", "Patapsco", "Severn", "Gunpowder", "Druid", "Clipper", "Tidewater",
    "Ironworks", "Rowhouse", "Marble", "Formstone", "Bayside", "Oriole", "Lighthouse", "Canal",
    "Pier", "Anchor", "Heron", "Terrapin", "Cobblestone", "Beacon", "Millrace", "Brickyard",
    "Foundry", "Northway", "Eastern Shore", "Piedmont", "Tideline", "Riverbend",
]  # fmt: skip
NAME_SECOND = [
    "Data", "Code", "Systems", "Cloud", "Civic", "Signal", "Compass", "Ledger", "Grid",
    "Harvest", "Atlas", "Circuit", "Commons", "Bridge", "Current", "Forge",
]  # fmt: skip
NAME_END = {
    K.COMPANY: ["Software", "Labs", "Technologies", "Works", "Analytics", "Cooperative"],
    K.LAB: ["Research Lab", "Computing Lab", "Studio", "Research Group"],
    K.UNIVERSITY: ["College", "Institute", "Graduate School", "Polytechnic"],
    K.NONPROFIT: ["Foundation", "Alliance", "Collective", "Trust", "Project"],
    K.GOVERNMENT: ["Digital Service", "Open Data Office", "Technology Office", "Library Lab"],
    K.COMMUNITY: ["Meetup", "User Group", "Hack Night", "Circle", "Guild"],
}
KIND_WEIGHTS = [
    (K.COMPANY, 40), (K.LAB, 10), (K.UNIVERSITY, 5), (K.NONPROFIT, 20), (K.GOVERNMENT, 8),
    (K.COMMUNITY, 17),
]  # fmt: skip
KIND_PHRASE = {
    K.COMPANY: "a company",
    K.LAB: "a research lab",
    K.UNIVERSITY: "a college",
    K.NONPROFIT: "a nonprofit",
    K.GOVERNMENT: "a public body",
    K.COMMUNITY: "a community group",
}
WORK = [
    "maintains open source tools for city services",
    "publishes its data pipelines and the code behind them",
    "runs an InnerSource program across its engineering teams",
    "contributes upstream to the libraries it depends on",
    "teaches newcomers to make their first pull request",
    "funds maintainers of the region's infrastructure projects",
    "builds accessible software for public websites",
    "shares maps and spatial data with neighbourhood groups",
    "releases research software alongside every paper",
    "hosts a monthly project night for local maintainers",
]  # fmt: skip
PROJECT_FIRST = [
    "tide", "bay", "stoop", "harbor", "row", "crab", "pier", "civic", "open", "geo", "grid",
    "pulse", "clear", "plain", "marble", "oriole", "anchor", "heron", "lantern", "canal",
]  # fmt: skip
PROJECT_SECOND = [
    "kit", "map", "sync", "flow", "ledger", "forms", "guard", "watch", "line", "board",
    "check", "desk", "queue", "lens", "book", "cast", "index", "bridge", "dock", "works",
]  # fmt: skip
PROJECT_WHAT = [
    "a command-line tool", "a Django app", "a Rust library", "a Python package",
    "a Kubernetes operator", "a JavaScript component library", "a data pipeline",
    "a Go service", "a set of Terraform modules", "a WebAssembly module",
]  # fmt: skip
PROJECT_FOR = [
    "for 311 service requests", "for transit feeds", "for public budgets",
    "for health records", "for sensor readings from the Bay", "for accessible forms",
    "for permit tracking", "for open data portals", "for software bills of materials",
    "for meeting minutes", "for tree canopy estimates", "for library reservations",
]  # fmt: skip
LICENSE_WEIGHTS = [
    ("MIT", 30), ("Apache-2.0", 25), ("GPL-3.0-only", 8), ("AGPL-3.0-only", 8),
    ("MPL-2.0", 6), ("BSD-3-Clause", 10), ("BSD-2-Clause", 4), ("LGPL-3.0-only", 3),
    ("ISC", 3), ("GPL-2.0-or-later", 3),
]  # fmt: skip


HELP_LABELS = {value: label.lower() for value, label in H.choices}


def _weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def generate_organizations(rng: random.Random, count: int, now) -> list[tuple[Organization, list]]:
    """`count` organizations (not saved) with the indexes of their tags, from `rng` alone."""
    rows = []
    for index in range(1, count + 1):
        kind = _weighted(rng, KIND_WEIGHTS)
        name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {rng.choice(NAME_END[kind])}"
        slug = f"{slugify(name)}-{index}"
        city, neighbourhood = rng.choice(PLACES)
        where = f"{neighbourhood}, {city}" if neighbourhood else city
        first, second = rng.sample(WORK, 2)
        description = (
            f"{name} is {KIND_PHRASE[kind]} in {where}. It {first}, and it {second}.\n\n"
            f"- Open source since {rng.randint(1998, 2024)}\n"
            f"- {rng.randint(1, 40)} public repositories"
        )
        when = now - timedelta(minutes=rng.randint(60, 60 * 24 * 900))
        organization = Organization(
            name=name,
            slug=slug,
            kind=kind,
            city=city,
            neighbourhood=neighbourhood,
            size_band=rng.choice(S.values),
            website=f"https://{slug}.example.com/",
            description=description,
            innersource=rng.random() < 0.2,
            featured=rng.random() < 0.02,
            verified=rng.random() < 0.3,
            status=ListingStatus.PUBLISHED,
            created_at=when,
            published_at=when,
        )
        rows.append((organization, rng.sample(range(len(TAGS)), rng.randint(1, 4))))
    return rows


def generate_projects(
    rng: random.Random, count: int, organization_slugs: list[str], now
) -> list[tuple[Project, list, list]]:
    """`count` projects with tag indexes and (organization index, role) pairs."""
    rows = []
    for index in range(1, count + 1):
        name = f"{rng.choice(PROJECT_FIRST)}{rng.choice(PROJECT_SECOND)}"
        slug = f"{name}-{index}"
        owners = rng.sample(
            range(len(organization_slugs)), min(rng.randint(1, 3), len(organization_slugs))
        )
        roles = [(owners[0], R.MAINTAINER)] + [
            (owner, rng.choice([R.SPONSOR, R.CONTRIBUTOR])) for owner in owners[1:]
        ]
        seeking = rng.random() < 0.3
        help_wanted = sorted(rng.sample(H.values, rng.randint(1, 3))) if seeking else []
        what = f"{rng.choice(PROJECT_WHAT)} {rng.choice(PROJECT_FOR)}"
        when = now - timedelta(minutes=rng.randint(60, 60 * 24 * 900))
        project = Project(
            name=name,
            slug=slug,
            license=_weighted(rng, LICENSE_WEIGHTS),
            description=f"{name.capitalize()} is {what}. It {rng.choice(WORK)}.",
            repository_url=f"https://git.example.org/{organization_slugs[owners[0]]}/{slug}",
            homepage=f"https://{slug}.example.org/" if rng.random() < 0.3 else "",
            seeking_contributors=seeking,
            pitch=(
                f"We are looking for help with {', '.join(HELP_LABELS[v] for v in help_wanted)}. "
                "Pick an issue labelled `good first issue` and say hello on the list."
                if seeking
                else ""
            ),
            help_wanted=help_wanted,
            contact_url=f"https://lists.example.org/{slug}" if rng.random() < 0.7 else "",
            status=ListingStatus.PUBLISHED,
            created_at=when,
            published_at=when,
        )
        rows.append((project, rng.sample(range(len(TAGS)), rng.randint(1, 4)), roles))
    return rows


def _bulk_insert(model, objects: list) -> list:
    """Insert `objects` whose slug is new, in batches; returns those inserted, with ids."""
    existing = set()
    slugs = [obj.slug for obj in objects]
    for start in range(0, len(slugs), BATCH_SIZE):
        existing.update(
            model.objects.filter(slug__in=slugs[start : start + BATCH_SIZE]).values_list(
                "slug", flat=True
            )
        )
    new = [obj for obj in objects if obj.slug not in existing]
    model.objects.bulk_create(new, batch_size=BATCH_SIZE)
    if new and new[0].pk is None:
        for start in range(0, len(new), BATCH_SIZE):
            chunk = new[start : start + BATCH_SIZE]
            ids = dict(
                model.objects.filter(slug__in=[obj.slug for obj in chunk]).values_list("slug", "id")
            )
            for obj in chunk:
                obj.pk = ids[obj.slug]
    return new


def fill_search_vectors(model, ids: list[int]) -> None:
    """One set-based UPDATE: the same document as directory.search.search_vector_refresh."""
    if connection.vendor != "postgresql" or not ids:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    through = model.tags.through
    through_table = quote(through._meta.db_table)
    fk = quote(f"{model._meta.model_name}_id")
    tag_table = quote(Tag._meta.db_table)
    text_c = "l.description || ' ' || l.pitch" if model is Project else "l.description || ' '"
    sql = f"""
        UPDATE {table} AS l SET search_vector =
            setweight(to_tsvector(%(config)s, l.name), 'A')
            || setweight(to_tsvector(%(config)s, coalesce((
                SELECT string_agg(t.name, ' ' ORDER BY t.name) FROM {through_table} AS lt
                JOIN {tag_table} AS t ON t.id = lt.tag_id WHERE lt.{fk} = l.id
            ), '')), 'B')
            || setweight(to_tsvector(%(config)s, {text_c}), 'C')
        WHERE l.id = ANY(%(ids)s)
    """  # noqa: S608 - table and column names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, {"config": SEARCH_CONFIG, "ids": ids})


def seed_scale(*, scale: int, seed: int, write=print) -> dict[str, int]:
    """About scale x 100 organizations and scale x 300 projects, deterministic for `seed`.

    Rows whose slug exists already are skipped, so re-running with the same arguments adds
    nothing. Call seed_tags() first (seed_directory does).
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    now = timezone.now()
    tag_ids = dict(
        Tag.objects.filter(slug__in=[slugify(n) for n, _ in TAGS]).values_list("slug", "id")
    )
    tags = [tag_ids[slugify(name)] for name, _ in TAGS]
    counts = {}

    def timed(label: str, started: float, count: int) -> None:
        write(f"  {label}: {count:,} in {time.monotonic() - started:.2f} s")

    started = time.monotonic()
    organization_rows = generate_organizations(rng, scale * 100, now)
    project_rows = generate_projects(
        rng, scale * 300, [org.slug for org, _ in organization_rows], now
    )
    timed("generated rows", started, len(organization_rows) + len(project_rows))

    started = time.monotonic()
    organizations = _bulk_insert(Organization, [org for org, _ in organization_rows])
    counts["organizations"] = len(organizations)
    timed("organizations", started, len(organizations))

    started = time.monotonic()
    new_organization_ids = {org.slug for org in organizations}
    through = Organization.tags.through
    links = [
        through(organization_id=org.pk, tag_id=tags[i])
        for org, tag_indexes in organization_rows
        if org.slug in new_organization_ids
        for i in tag_indexes
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    counts["organization_tags"] = len(links)
    timed("organization tags", started, len(links))

    # Projects may point at organizations created by an earlier run: look their ids up.
    organization_ids = {}
    slugs = [org.slug for org, _ in organization_rows]
    for start in range(0, len(slugs), BATCH_SIZE):
        organization_ids.update(
            Organization.objects.filter(slug__in=slugs[start : start + BATCH_SIZE]).values_list(
                "slug", "id"
            )
        )

    started = time.monotonic()
    projects = _bulk_insert(Project, [project for project, _, _ in project_rows])
    counts["projects"] = len(projects)
    timed("projects", started, len(projects))

    started = time.monotonic()
    new_project_slugs = {project.slug for project in projects}
    through = Project.tags.through
    links = [
        through(project_id=project.pk, tag_id=tags[i])
        for project, tag_indexes, _ in project_rows
        if project.slug in new_project_slugs
        for i in tag_indexes
    ]
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    counts["project_tags"] = len(links)
    timed("project tags", started, len(links))

    started = time.monotonic()
    roles = [
        ProjectRole(
            project_id=project.pk,
            organization_id=organization_ids[slugs[org_index]],
            role=role,
        )
        for project, _, project_roles in project_rows
        if project.slug in new_project_slugs
        for org_index, role in project_roles
    ]
    ProjectRole.objects.bulk_create(roles, batch_size=BATCH_SIZE)
    counts["project_roles"] = len(roles)
    timed("project roles", started, len(roles))

    if connection.vendor == "postgresql":
        started = time.monotonic()
        fill_search_vectors(Organization, [org.pk for org in organizations])
        timed("organization search vectors", started, len(organizations))
        started = time.monotonic()
        fill_search_vectors(Project, [project.pk for project in projects])
        timed("project search vectors", started, len(projects))
    return counts
